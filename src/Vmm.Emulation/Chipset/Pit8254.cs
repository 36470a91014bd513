namespace Vmm.Emulation.Chipset;

/// <summary>
/// The Intel 8254 programmable interval timer as a PC wires it (datasheet: Intel order no. 231164): three
/// counters clocked at 1.193182 MHz at ports 0x40-0x42, the control word register at 0x43; counter 0's OUT drives
/// ISA IRQ 0, counter 2's GATE and OUT appear in port 0x61 (bits 0 and 5) with the speaker enable (bit 1) and
/// the refresh toggle (bit 4). Counters 0 and 1 have their gates tied high.
/// </summary>
/// <remarks>
/// Time comes from the VM's <see cref="TimeProvider"/>: counts and outputs are computed from the time elapsed
/// since a count was loaded, so reads cost no timer, and only counter 0's output edges (which interrupt) are
/// scheduled as timer callbacks. With a fake clock the counters move only when the test advances it. Modes 0
/// (interrupt on terminal count), 1 (hardware one-shot), 2 (rate generator), 3 (square wave), 4 (software strobe)
/// and 5 (hardware strobe) count as the datasheet's "Mode Definitions" say; BCD counting is accepted and counts
/// in binary (no PC software uses it). Every access is made with <see cref="PcChipset.Gate"/> held.
/// </remarks>
internal sealed class Pit8254
{
    public const ushort Channel0Port = 0x40;
    public const ushort ControlPort = 0x43;

    /// <summary>The PC's PIT input clock: 14.31818 MHz / 12.</summary>
    public const long FrequencyHz = 1_193_182;

    // Port 0x61 bits.
    private const byte PortBGate2 = 0x01, PortBSpeaker = 0x02, PortBRefresh = 0x10, PortBOut2 = 0x20;

    // A timer never fires more often than this: a guest that programs a tiny count loses ticks instead of
    // flooding the host (a real PC's CPU could not take 1 MHz interrupts either).
    private static readonly TimeSpan s_minimumTimerDelay = TimeSpan.FromMicroseconds(100);

    private readonly TimeProvider _time;
    private readonly PcChipset _chipset;
    private readonly long _start;
    private readonly PitCounter[] _counters = [new(), new(), new()];
    private readonly ITimer _timer;
    private byte _portB;
    private int _generation = -1;      // counter 0's programming the edge count below belongs to
    private long _signalled;           // counter 0's rising edges already signalled as IRQ 0 pulses

    public Pit8254(TimeProvider time, PcChipset chipset)
    {
        _time = time;
        _chipset = chipset;
        _start = time.GetTimestamp();
        _counters[0].Gate = _counters[1].Gate = true;
        _timer = time.CreateTimer(static state => ((Pit8254)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Input clocks since the PIT was created.</summary>
    public long Now()
    {
        long elapsed = _time.GetTimestamp() - _start;
        return (long)((Int128)elapsed * FrequencyHz / _time.TimestampFrequency);
    }

    public byte ReadPort(ushort port)
    {
        if (port == ControlPort)
            return 0xFF; // the control word register cannot be read (datasheet "Read Operations")
        return _counters[port - Channel0Port].Read(Now());
    }

    public void WritePort(ushort port, byte value)
    {
        long now = Now();
        if (port == ControlPort)
        {
            WriteControlWord(value, now);
            return;
        }

        int index = port - Channel0Port;
        if (_counters[index].WriteCount(value, now) && index == 0)
            Rearm(now);
    }

    public byte ReadPortB()
    {
        long now = Now();
        // Bit 4 toggles every refresh cycle (15.085 µs, 18 input clocks): BIOS delay loops count its edges.
        bool refresh = (now / 18 & 1) != 0;
        return (byte)((_portB & (PortBGate2 | PortBSpeaker))
            | (refresh ? PortBRefresh : 0)
            | (_counters[2].Output(now) ? PortBOut2 : 0));
    }

    public void WritePortB(byte value)
    {
        _portB = (byte)(value & (PortBGate2 | PortBSpeaker));
        _counters[2].SetGate((value & PortBGate2) != 0, Now());
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>The control word (datasheet "Control Word Format"): a mode, a counter latch, or a read-back.</summary>
    private void WriteControlWord(byte value, long now)
    {
        int select = value >> 6;
        if (select == 3)
        {
            // Read-back (datasheet "Read-Back Command"): bit 5 clear latches counts, bit 4 clear latches status,
            // bits 1-3 select the counters.
            for (int i = 0; i < 3; i++)
            {
                if ((value & (2 << i)) == 0)
                    continue;
                if ((value & 0x20) == 0)
                    _counters[i].LatchCount(now);
                if ((value & 0x10) == 0)
                    _counters[i].LatchStatus(now);
            }

            return;
        }

        int access = (value >> 4) & 3;
        if (access == 0)
        {
            _counters[select].LatchCount(now);
            return;
        }

        _counters[select].SetMode((value >> 1) & 7, access, (value & 1) != 0);
        if (select == 0)
            Rearm(now);
    }

    /// <summary>Timer callback: signal counter 0's output edges that are due, then schedule the next.</summary>
    private void OnTimer()
    {
        lock (_chipset.Gate)
        {
            long now = Now();
            Signal(now);
            Rearm(now);
        }
    }

    /// <summary>Pulses IRQ 0 once if counter 0's output rose since the last signal (several missed edges are one, as a late CPU sees them).</summary>
    private void Signal(long now)
    {
        PitCounter counter = _counters[0];
        if (counter.Generation != _generation)
            return;
        long edges = counter.RisingEdges(now);
        if (edges > _signalled)
        {
            _signalled = edges;
            _chipset.TimerPulse();
        }
    }

    /// <summary>Schedules the timer for counter 0's next rising edge (none: the timer stops).</summary>
    private void Rearm(long now)
    {
        PitCounter counter = _counters[0];
        if (counter.Generation != _generation)
        {
            // Reprogrammed: edges count from the new load.
            _generation = counter.Generation;
            _signalled = 0;
        }

        if (counter.NextRisingEdge(now) is not { } edge)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        // The edge's timestamp, rounded up so the callback never runs before it; computed from the start rather
        // than from now, so rounding does not build up period after period.
        long frequency = _time.TimestampFrequency;
        long edgeStamp = _start + (long)(((Int128)edge * frequency + FrequencyHz - 1) / FrequencyHz);
        long wait = Math.Max(edgeStamp - _time.GetTimestamp(), 1);
        var delay = TimeSpan.FromTicks((long)(((Int128)wait * TimeSpan.TicksPerSecond + frequency - 1) / frequency));
        _timer.Change(delay < s_minimumTimerDelay ? s_minimumTimerDelay : delay, Timeout.InfiniteTimeSpan);
    }
}
