namespace Vmm.Devices.Cmos;

/// <summary>
/// Register C's flags and the interrupt line: update-ended and alarm flags once per guest second, periodic flags at
/// the rate register A selects. IRQF = PF·PIE + AF·AIE + UF·UIE (datasheet "Register C"); reading C clears it all
/// and lowers the line. Each enabled event raises the line again, as QEMU does, so an unacknowledged interrupt
/// stays asserted and a level log counts every event.
/// </summary>
public sealed partial class Mc146818Rtc
{
    // The flag bits of register C line up with their enable bits in register B (PF/PIE 0x40, AF/AIE 0x20, UF/UIE 0x10).
    private const byte EventMask = RegisterC.Periodic | RegisterC.Alarm | RegisterC.UpdateEnded;

    // The guest second the last update cycle ended; flags are raised when the clock reaches the next one.
    private long _lastUpdateSecond;

    // Periodic ticks are counted from this host time; _lastPeriodicTick is the last one folded into PF.
    private long _periodicEpoch;
    private long _lastPeriodicTick;

    private byte EnabledEvents => (byte)(_cmos[Register.B] & EventMask);

    /// <summary>
    /// Periodic interrupts per second from RS3-0 and the time base (datasheet Table 5): with the PC's 32.768 kHz
    /// base, rates 1 and 2 are 256 and 128 Hz and rate n from 3 up is 65536 &gt;&gt; n; the MHz bases give 65536 &gt;&gt; n
    /// throughout. 0 when the rate is 0 or the divider does not run.
    /// </summary>
    private int PeriodicFrequency
    {
        get
        {
            var registerA = _cmos[Register.A];
            var rate = registerA & RegisterA.RateMask;
            if (rate == 0 || !DividerRuns(registerA))
                return 0;
            var thirtyTwoKilohertz = (registerA & RegisterA.DividerMask) == RegisterA.DividerNormal;
            return thirtyTwoKilohertz && rate <= 2 ? 32_768 >> (rate + 6) : 65_536 >> rate;
        }
    }

    private byte ReadAndClearFlags()
    {
        var now = HostTicks();
        CatchUpPeriodic(now);
        // The update the guest saw UIP announce has happened even if the host timer has not run yet (it fires up to
        // a millisecond or so late): UF and AF are due now.
        CatchUpUpdate(now);
        var flags = _cmos[Register.C];
        _cmos[Register.C] = 0;
        if ((flags & RegisterC.InterruptRequest) != 0)
            _irq.Lower();
        return flags;
    }

    /// <summary>Sets <paramref name="flags"/> in register C and, for each one enabled in register B, raises the line.</summary>
    private void Signal(byte flags)
    {
        _cmos[Register.C] |= flags;
        if ((flags & EnabledEvents) == 0)
            return;
        _cmos[Register.C] |= RegisterC.InterruptRequest;
        _irq.Raise();
    }

    /// <summary>After an enable bit changed: IRQF (and the line) follow the flags that are now enabled.</summary>
    private void UpdateInterruptLine()
    {
        var wanted = (_cmos[Register.C] & EnabledEvents) != 0;
        var asserted = (_cmos[Register.C] & RegisterC.InterruptRequest) != 0;
        if (wanted && !asserted)
        {
            _cmos[Register.C] |= RegisterC.InterruptRequest;
            _irq.Raise();
        }
        else if (!wanted && asserted)
        {
            _cmos[Register.C] &= unchecked((byte)~RegisterC.InterruptRequest);
            _irq.Lower();
        }
    }

    /// <summary>
    /// Every periodic tick since the last sets PF and, with PIE, raises the line: from the timer, or from a read of
    /// register C that comes first (the chip would have flagged it already). One event per tick that passed: a
    /// callback may come late, and a FakeTimeProvider runs it once at the end of an Advance. At most a second's
    /// worth; ticks a stalled host missed beyond that are dropped, as QEMU's default lost-tick policy drops them.
    /// </summary>
    private void CatchUpPeriodic(long hostTicks)
    {
        var tick = PeriodicTick(hostTicks);
        if (tick <= _lastPeriodicTick)
            return;
        var events = Math.Min(tick - _lastPeriodicTick, PeriodicFrequency);
        _lastPeriodicTick = tick;
        for (var i = 0; i < events; i++)
            Signal(RegisterC.Periodic);
    }

    private void RestartPeriodic(long hostTicks)
    {
        _periodicEpoch = hostTicks;
        _lastPeriodicTick = 0;
        ArmPeriodicTimer(hostTicks);
    }

    /// <summary>How many periodic ticks have passed since the epoch (0 when the periodic interrupt is off).</summary>
    private long PeriodicTick(long hostTicks)
    {
        var frequency = PeriodicFrequency;
        if (frequency == 0 || hostTicks <= _periodicEpoch)
            return 0;
        return (long)((Int128)(hostTicks - _periodicEpoch) * frequency / TimeSpan.TicksPerSecond);
    }

    /// <summary>The host time of periodic tick <paramref name="tick"/>: periods are not whole ticks (1024 Hz is 9765.625), so each is rounded alone.</summary>
    private long PeriodicTickTime(long tick, int frequency) =>
        _periodicEpoch + (long)(((Int128)tick * TimeSpan.TicksPerSecond + frequency - 1) / frequency);

    /// <summary>Runs the periodic timer while PIE is set; without PIE, PF is worked out when register C is read.</summary>
    private void ArmPeriodicTimer(long hostTicks)
    {
        if (_disposed)
            return;
        var frequency = PeriodicFrequency;
        if (frequency == 0 || (_cmos[Register.B] & RegisterB.PeriodicEnable) == 0)
        {
            _periodicTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        Arm(_periodicTimer, PeriodicTickTime(_lastPeriodicTick + 1, frequency) - hostTicks);
    }

    /// <summary>Wakes at the next guest second while the clock runs (once a second, for UF and AF).</summary>
    private void ArmUpdateTimer(long hostTicks)
    {
        if (_disposed)
            return;
        if (!ClockRunning)
        {
            _updateTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        Arm(_updateTimer, TimeSpan.TicksPerSecond - (GuestTicks(hostTicks) % TimeSpan.TicksPerSecond));
    }

    /// <summary>
    /// System.Threading.Timer counts whole milliseconds (it truncates): the delay is rounded up so a timer never
    /// fires before its event, and is at least 1 ms so it never fires inside the caller's lock (a FakeTimeProvider
    /// runs a timer due now inside Change). The period equals the delay so that a timer whose callback is late
    /// keeps coming; each callback re-arms with the next delay.
    /// </summary>
    private static void Arm(ITimer timer, long delayTicks)
    {
        var milliseconds = Math.Max(1, (delayTicks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond);
        var delay = TimeSpan.FromMilliseconds(milliseconds);
        timer.Change(delay, delay);
    }

    private void OnPeriodicTimer()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            var now = HostTicks();
            CatchUpPeriodic(now);
            ArmPeriodicTimer(now);
        }
    }

    private void OnUpdateTimer()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            var now = HostTicks();
            CatchUpUpdate(now);
            ArmUpdateTimer(now);
        }
    }

    /// <summary>Ends the update cycle of each guest second reached since the last: UF, and AF when the alarm matches.</summary>
    private void CatchUpUpdate(long hostTicks)
    {
        if (!ClockRunning)
            return;
        var guest = GuestTicks(hostTicks);
        var second = guest / TimeSpan.TicksPerSecond;
        if (second <= _lastUpdateSecond)
            return;
        _lastUpdateSecond = second;
        Signal(AlarmMatches(guest) ? (byte)(RegisterC.UpdateEnded | RegisterC.Alarm) : RegisterC.UpdateEnded);
    }

    /// <summary>The alarm fires when seconds, minutes and hours match their alarm bytes; 0xC0-0xFF matches anything.</summary>
    private bool AlarmMatches(long guestTicks) =>
        AlarmFieldMatches(Register.SecondsAlarm, Register.Seconds, guestTicks)
        && AlarmFieldMatches(Register.MinutesAlarm, Register.Minutes, guestTicks)
        && AlarmFieldMatches(Register.HoursAlarm, Register.Hours, guestTicks);

    private bool AlarmFieldMatches(int alarm, int clock, long guestTicks)
    {
        var value = _cmos[alarm];
        return (value & AlarmDontCare) == AlarmDontCare || value == EncodeClockRegister(clock, guestTicks);
    }
}
