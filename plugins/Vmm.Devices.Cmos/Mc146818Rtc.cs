using Microsoft.Extensions.Options;
using Vmm.Sdk;

namespace Vmm.Devices.Cmos;

/// <summary>
/// The PC's MC146818A real-time clock and its 128 bytes of CMOS RAM, behind an index port (0x70; bit 7 of a write
/// masks NMI) and a data port (0x71). The clock runs from the injected <see cref="TimeProvider"/>, in BCD or binary
/// and 12- or 24-hour format as register B says; periodic, alarm and update-ended interrupts go to the instance's
/// line (IRQ 8 on a PC), and the memory-size bytes firmware reads are filled from <see cref="MachineInfo"/>.
/// </summary>
/// <remarks>
/// Register layout, bits and timing: Motorola MC146818A datasheet, "Address Map" (bytes 0-13 are the clock, 14-63
/// user RAM; a PC's chip has 128 bytes), "Registers" (A: UIP, DV2-0, RS3-0; B: SET, PIE, AIE, UIE, SQWE, DM, 24/12,
/// DSE; C: IRQF, PF, AF, UF, cleared when read; D: VRT) and Table 6 (UIP is set 244 µs before an update). Nothing in
/// the CMOS is cleared by a machine reset: the device is kept across one, as the battery keeps the real chip.
/// The vCPU threads and the clock's timer callbacks share the registers under one small lock; the RTC is not on
/// the hot path of any guest.
/// </remarks>
public sealed partial class Mc146818Rtc : IBusDevice, IDisposable
{
    /// <summary>Bytes of CMOS the index port can select (7 bits; bit 7 of the index is the NMI mask).</summary>
    public const int CmosSize = 128;

    // Reset values as a PC BIOS leaves them: 32.768 kHz time base with a 1024 Hz rate, 24-hour BCD, valid RAM.
    private const byte DefaultRegisterA = RegisterA.DividerNormal | 0x06;
    private const byte DefaultRegisterB = RegisterB.Hour24;

    private readonly Lock _gate = new();
    private readonly IInterruptLine _irq;
    private readonly TimeProvider _clock;
    private readonly byte[] _cmos = new byte[CmosSize];
    private readonly ITimer _updateTimer;
    private readonly ITimer _periodicTimer;
    private byte _index;
    private bool _nmiMasked;
    private bool _disposed;

    /// <summary>Creates the RTC of one instance.</summary>
    /// <param name="options">The instance's options (its <see cref="CmosOptions.Base"/> sets where the clock starts).</param>
    /// <param name="irq">The line the RTC's interrupts go to.</param>
    /// <param name="clock">The host clock the RTC counts from, and whose timers drive its interrupts.</param>
    /// <param name="machine">Where the memory-size and CPU-count bytes come from.</param>
    public Mc146818Rtc(IOptions<CmosOptions> options, IInterruptLine irq, TimeProvider clock, MachineInfo machine)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(irq);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(machine);
        _irq = irq;
        _clock = clock;
        _offsetTicks = RtcBase.Parse(options.Value.Base).OffsetTicks(clock);

        _cmos[Register.A] = DefaultRegisterA;
        _cmos[Register.B] = DefaultRegisterB;
        _cmos[Register.D] = RegisterD.ValidRam;
        CmosMemoryLayout.Fill(_cmos, machine);

        var now = HostTicks();
        _lastUpdateSecond = GuestTicks(now) / TimeSpan.TicksPerSecond;
        _periodicEpoch = now;
        _updateTimer = clock.CreateTimer(static state => ((Mc146818Rtc)state!).OnUpdateTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _periodicTimer = clock.CreateTimer(static state => ((Mc146818Rtc)state!).OnPeriodicTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        lock (_gate)
            ArmUpdateTimer(now);
    }

    /// <summary>True while the guest's last index write had bit 7 set: NMIs are masked (the PC wires it to the NMI gate).</summary>
    public bool NmiMasked
    {
        get
        {
            lock (_gate)
                return _nmiMasked;
        }
    }

    /// <inheritdoc />
    public void Read(in BusAccess access, Span<byte> data)
    {
        if (data.IsEmpty)
            return;
        lock (_gate)
        {
            // The index register is write-only on a PC; like QEMU, a read of it gets all ones.
            data[0] = access.Offset == Port.Index ? (byte)0xff : ReadRegister(_index);
        }
    }

    /// <inheritdoc />
    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return;
        var value = data[0];
        lock (_gate)
        {
            if (access.Offset == Port.Index)
            {
                _index = (byte)(value & IndexMask);
                _nmiMasked = (value & NmiMaskBit) != 0;
            }
            else
            {
                WriteRegister(_index, value);
            }
        }
    }

    /// <summary>Stops the clock's timers; later callbacks do nothing.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
        }
        _updateTimer.Dispose();
        _periodicTimer.Dispose();
    }

    private byte ReadRegister(int index)
    {
        switch (index)
        {
            case Register.A:
                return (byte)(_cmos[Register.A] | (UpdateInProgress(HostTicks()) ? RegisterA.UpdateInProgress : 0));
            case Register.C:
                return ReadAndClearFlags();
            case Register.D:
                return RegisterD.ValidRam;
            default:
                if (IsClockRegister(index) && ClockRunning)
                    return EncodeClockRegister(index, GuestTicks(HostTicks()));
                return _cmos[index];
        }
    }

    private void WriteRegister(int index, byte value)
    {
        switch (index)
        {
            case Register.A:
                WriteRegisterA(value);
                break;
            case Register.B:
                WriteRegisterB(value);
                break;
            case Register.C:
            case Register.D:
                // Read-only status registers (datasheet "Register C", "Register D").
                break;
            default:
                if (IsClockRegister(index) && ClockRunning)
                    SetClockRegister(index, value);
                else
                    _cmos[index] = value;
                break;
        }
    }

    private void WriteRegisterA(byte value)
    {
        var now = HostTicks();
        var wasRunning = ClockRunning;
        var old = _cmos[Register.A];
        if (wasRunning && !DividerRuns(value))
            LatchClock(now);
        _cmos[Register.A] = (byte)(value & ~RegisterA.UpdateInProgress);
        if (!wasRunning && ClockRunning)
        {
            // "When the divider reset is removed, the first update cycle begins one-half second later."
            var halfSecond = DividerRuns(old) ? 0 : TimeSpan.TicksPerSecond / 2;
            StartClockFromRegisters(now, halfSecond);
        }
        if ((old & (RegisterA.DividerMask | RegisterA.RateMask)) != (value & (RegisterA.DividerMask | RegisterA.RateMask)))
        {
            // Ticks at the old rate still count for PF; the new rate starts now.
            _cmos[Register.A] = old;
            CatchUpPeriodic(now);
            _cmos[Register.A] = (byte)(value & ~RegisterA.UpdateInProgress);
            RestartPeriodic(now);
        }
    }

    private void WriteRegisterB(byte value)
    {
        var now = HostTicks();
        var wasRunning = ClockRunning;
        // "UIE is cleared by the SET bit going high" (datasheet, register B).
        if ((value & RegisterB.Set) != 0)
            value = (byte)(value & ~RegisterB.UpdateEndedEnable);
        if (wasRunning && (value & RegisterB.Set) != 0)
            LatchClock(now);

        // Pending periodic ticks become PF before PIE changes, so enabling PIE on a pending PF interrupts at once.
        CatchUpPeriodic(now);
        _cmos[Register.B] = value;
        if (!wasRunning && ClockRunning)
            StartClockFromRegisters(now, 0);
        ArmPeriodicTimer(now);
        UpdateInterruptLine();
    }

    // The registers the update cycle writes; the alarm registers (1, 3, 5) between them are plain RAM.
    private static bool IsClockRegister(int index) => index is Register.Seconds or Register.Minutes or Register.Hours
        or Register.DayOfWeek or Register.DayOfMonth or Register.Month or Register.Year or Register.Century;

    private const int IndexMask = 0x7f;
    private const byte NmiMaskBit = 0x80;

    /// <summary>The two ports, as offsets from the instance's base port.</summary>
    private static class Port
    {
        public const ulong Index = 0;
        public const ulong Data = 1;
    }

    /// <summary>CMOS indices of the clock and status registers (datasheet "Address Map"; century as on a PC).</summary>
    private static class Register
    {
        public const int Seconds = 0x00, SecondsAlarm = 0x01, Minutes = 0x02, MinutesAlarm = 0x03;
        public const int Hours = 0x04, HoursAlarm = 0x05, DayOfWeek = 0x06, DayOfMonth = 0x07, Month = 0x08, Year = 0x09;
        public const int A = 0x0a, B = 0x0b, C = 0x0c, D = 0x0d;
        public const int Century = 0x32; // the IBM PC/AT's century byte, which QEMU and SeaBIOS use
    }

    private static class RegisterA
    {
        public const byte UpdateInProgress = 0x80;
        public const byte DividerMask = 0x70;
        public const byte DividerNormal = 0x20;  // DV2-0 = 010: 32.768 kHz time base
        public const byte RateMask = 0x0f;
    }

    private static class RegisterB
    {
        public const byte Set = 0x80;
        public const byte PeriodicEnable = 0x40;
        public const byte AlarmEnable = 0x20;
        public const byte UpdateEndedEnable = 0x10;
        public const byte Binary = 0x04;         // DM: 1 binary, 0 BCD
        public const byte Hour24 = 0x02;         // 24/12: 1 is 24-hour
    }

    private static class RegisterC
    {
        public const byte InterruptRequest = 0x80; // IRQF
        public const byte Periodic = 0x40;         // PF
        public const byte Alarm = 0x20;            // AF
        public const byte UpdateEnded = 0x10;      // UF
    }

    private static class RegisterD
    {
        public const byte ValidRam = 0x80;         // VRT: the battery is good
    }
}
