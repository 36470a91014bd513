namespace Vmm.Emulation.Chipset;

/// <summary>
/// The legacy PC chips an emulated VM models itself, as KVM's in-kernel irqchip and PIT do: the 8259A pair
/// (<see cref="Pic8259Pair"/>) and the 8254 timer (<see cref="Pit8254"/>, with port 0x61's speaker bits). Their
/// ports never reach the device buses. Interrupt lines (GSI 0-15) drive the PIC's inputs; vCPU 0 takes its
/// interrupts (the PIC's INT goes to the boot CPU, as in the PC's virtual wire mode). Thread-safe: lines move
/// from device threads while vCPU threads read ports, acknowledge and wait in HLT; one lock guards it all, and
/// nothing allocates on these paths.
/// </summary>
public sealed class PcChipset : IDisposable
{
    /// <summary>Port 0x61, "port B" of the PC: the PIT's channel 2 gate and speaker enable, its output, and the refresh toggle.</summary>
    public const ushort SystemControlPortB = 0x61;

    // One bit per port the chips answer: a single load and shift decides whether an exit is the chipset's.
    private static readonly ulong[] s_claimed = BuildClaimedPorts();

    private readonly object _lock = new();
    private readonly Pic8259Pair _pic = new();
    private readonly Pit8254 _pit;
    private int _output;            // _pic.Output, readable without the lock
    private bool _bootCpuHalted;    // vCPU 0 waits in HLT with IF=1
    private long _haltCount;        // how many times vCPU 0 has gone into such a wait
    private long _acknowledged;

    /// <summary>A chipset in its power-on state whose timer runs on <paramref name="time"/>.</summary>
    public PcChipset(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _pit = new Pit8254(time, this);
    }

    /// <summary>True if the chipset answers <paramref name="port"/> (0x20-0x21, 0x40-0x43, 0x61, 0xA0-0xA1, 0x4D0-0x4D1).</summary>
    public static bool ClaimsPort(ushort port) => (s_claimed[port >> 6] & (1ul << (port & 63))) != 0;

    /// <summary>The lock every chip's state is read and changed under; the timer's callbacks take it too.</summary>
    internal object Gate => _lock;

    /// <summary>The PIC's INT output, read without the lock: an interrupt is waiting for vCPU 0.</summary>
    internal bool InterruptPending => Volatile.Read(ref _output) != 0;

    /// <summary>How many interrupts vCPU 0 has taken from the PIC.</summary>
    public long InterruptsAcknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>A consistent copy of the PIC's registers and the vector the next acknowledge would return.</summary>
    public PicState ReadPicState()
    {
        lock (_lock)
        {
            return new PicState(
                (ushort)(_pic.Master.RequestRegister | (_pic.Slave.RequestRegister << 8)),
                (ushort)(_pic.Master.InServiceRegister | (_pic.Slave.InServiceRegister << 8)),
                (ushort)(_pic.Master.MaskRegister | (_pic.Slave.MaskRegister << 8)),
                (ushort)(_pic.Master.EdgeLevelControl | (_pic.Slave.EdgeLevelControl << 8)),
                _pic.Master.VectorBase, _pic.Slave.VectorBase,
                _pic.Master.IsInitialized && _pic.Slave.IsInitialized,
                _pic.PendingVector);
        }
    }

    /// <summary>Drives ISA IRQ <paramref name="irq"/> (0-15) of the PIC; a halted vCPU 0 wakes if it now has an interrupt.</summary>
    public void SetIrq(int irq, bool high)
    {
        lock (_lock)
        {
            _pic.SetIrq(irq, high);
            Changed();
        }
    }

    /// <summary>
    /// The INTA cycle, as vCPU 0 runs it when it can take an interrupt (and as a scripted test plays the CPU): the
    /// vector, now in service, or false if the PIC's INT output is low.
    /// </summary>
    public bool TryAcknowledge(out byte vector)
    {
        lock (_lock)
        {
            if (!_pic.Output)
            {
                vector = 0;
                return false;
            }

            vector = _pic.Acknowledge();
            _acknowledged++;
            Changed();
            return true;
        }
    }

    /// <summary>
    /// A machine reset: the PIC pair back to its power-on state (its input levels kept, as the devices driving them
    /// keep theirs). The PIT keeps counting: a PC's reset line does not reach the 8254, the firmware reprograms it.
    /// </summary>
    public void Reset()
    {
        lock (_lock)
        {
            _pic.Reset();
            Changed();
        }
    }

    /// <summary>A guest IN of one byte from a port <see cref="ClaimsPort"/> accepts.</summary>
    public byte ReadPort(ushort port)
    {
        lock (_lock)
        {
            byte value = port switch
            {
                >= Pit8254.Channel0Port and <= Pit8254.ControlPort => _pit.ReadPort(port),
                SystemControlPortB => _pit.ReadPortB(),
                _ => _pic.ReadPort(port),
            };
            Changed();
            return value;
        }
    }

    /// <summary>A guest OUT of one byte to a port <see cref="ClaimsPort"/> accepts.</summary>
    public void WritePort(ushort port, byte value)
    {
        lock (_lock)
        {
            switch (port)
            {
                case >= Pit8254.Channel0Port and <= Pit8254.ControlPort:
                    _pit.WritePort(port, value);
                    break;
                case SystemControlPortB:
                    _pit.WritePortB(value);
                    break;
                default:
                    _pic.WritePort(port, value);
                    break;
            }

            Changed();
        }
    }

    /// <summary>
    /// What HLT with IF=1 does on vCPU <paramref name="vcpuId"/>: waits, without spinning, until the PIC has an
    /// interrupt for it (vCPU 0 only) or <paramref name="stopRequested"/> is set (checked under the lock, and
    /// <see cref="WakeAll"/> is called after setting it).
    /// </summary>
    internal void WaitForInterrupt(int vcpuId, ref int stopRequested)
    {
        lock (_lock)
        {
            bool boot = vcpuId == 0;
            if (boot)
            {
                _bootCpuHalted = true;
                _haltCount++;
                Monitor.PulseAll(_lock);   // tests waiting for the guest to go idle
            }

            while (Volatile.Read(ref stopRequested) == 0 && !(boot && _pic.Output))
                Monitor.Wait(_lock);
            if (boot)
                _bootCpuHalted = false;
        }
    }

    /// <summary>Wakes every vCPU waiting in <see cref="WaitForInterrupt"/> so it rechecks its stop flag.</summary>
    internal void WakeAll()
    {
        lock (_lock)
            Monitor.PulseAll(_lock);
    }

    /// <summary>
    /// Waits until vCPU 0 is halted with interrupts enabled and nothing pending for it (the guest waits for an
    /// interrupt only something outside it can bring), or <paramref name="timeout"/> passes; false on timeout.
    /// With <paramref name="afterHalt"/> the halt must be a later one than that count (<see cref="HaltCount"/>).
    /// </summary>
    public bool WaitUntilIdle(TimeSpan timeout, long afterHalt = -1)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_lock)
        {
            while (!(_bootCpuHalted && !_pic.Output && _haltCount > afterHalt))
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                    return false;
                Monitor.Wait(_lock, (int)Math.Min(left, int.MaxValue));
            }

            return true;
        }
    }

    /// <summary>How many times vCPU 0 has halted waiting for an interrupt.</summary>
    public long HaltCount
    {
        get
        {
            lock (_lock)
                return _haltCount;
        }
    }

    /// <summary>
    /// Called after each pulse the PIT's counter 0 puts on ISA IRQ 0 (on the timer's thread, with the chipset's
    /// lock held: keep it short and do not call back into the chipset). The test kit logs the ticks with it.
    /// </summary>
    public Action? TimerPulsed { get; set; }

    /// <summary>The timer's counter 0 output rose (called with the lock held): an edge on ISA IRQ 0.</summary>
    internal void TimerPulse()
    {
        _pic.SetIrq(0, true);
        _pic.SetIrq(0, false);
        Changed();
        TimerPulsed?.Invoke();
    }

    /// <summary>Stops the timer's callbacks.</summary>
    public void Dispose()
    {
        lock (_lock)
            _pit.Dispose();
    }

    /// <summary>After any change, with the lock held: publish the INT output and wake waiters.</summary>
    private void Changed()
    {
        int output = _pic.Output ? 1 : 0;
        if (output != _output)
            Volatile.Write(ref _output, output);
        Monitor.PulseAll(_lock);
    }

    private static ulong[] BuildClaimedPorts()
    {
        var bits = new ulong[65536 / 64];
        ReadOnlySpan<ushort> ports =
        [
            Pic8259Pair.MasterCommandPort, Pic8259Pair.MasterDataPort, Pic8259Pair.SlaveCommandPort, Pic8259Pair.SlaveDataPort,
            Pic8259Pair.EdgeLevelControlPort, Pic8259Pair.EdgeLevelControlPort + 1,
            Pit8254.Channel0Port, Pit8254.Channel0Port + 1, Pit8254.Channel0Port + 2, Pit8254.ControlPort, SystemControlPortB,
        ];
        foreach (ushort port in ports)
            bits[port >> 6] |= 1ul << (port & 63);
        return bits;
    }
}
