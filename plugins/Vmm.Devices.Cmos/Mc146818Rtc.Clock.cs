namespace Vmm.Devices.Cmos;

/// <summary>The clock: guest time as an offset from the host clock, and its BCD/binary, 12/24-hour registers.</summary>
public sealed partial class Mc146818Rtc
{
    // Datasheet Table 6: UIP rises 244 µs (tBUC) before every update cycle.
    private const long UpdateInProgressTicks = 2_440;
    private const byte HoursPm = 0x80;         // in 12-hour mode, bit 7 of the hours (and hours alarm) byte
    private const byte AlarmDontCare = 0xc0;   // an alarm byte of 0xC0-0xFF matches every value

    // Guest time = host UTC time + this, in ticks; changed when the guest sets the clock.
    private long _offsetTicks;

    private long HostTicks() => _clock.GetUtcNow().UtcTicks;

    private long GuestTicks(long hostTicks) => Math.Clamp(hostTicks + _offsetTicks, 0, DateTime.MaxValue.Ticks);

    /// <summary>The clock counts unless SET holds it or the divider is in reset or a test mode (DV2-0 above 010).</summary>
    private bool ClockRunning => (_cmos[Register.B] & RegisterB.Set) == 0 && DividerRuns(_cmos[Register.A]);

    private static bool DividerRuns(byte registerA) => (registerA & RegisterA.DividerMask) <= RegisterA.DividerNormal;

    private bool UpdateInProgress(long hostTicks) =>
        ClockRunning && GuestTicks(hostTicks) % TimeSpan.TicksPerSecond >= TimeSpan.TicksPerSecond - UpdateInProgressTicks;

    private bool Binary => (_cmos[Register.B] & RegisterB.Binary) != 0;

    private bool Hour24 => (_cmos[Register.B] & RegisterB.Hour24) != 0;

    /// <summary>The byte clock register <paramref name="index"/> holds at guest time <paramref name="guestTicks"/>, in the current format.</summary>
    private byte EncodeClockRegister(int index, long guestTicks)
    {
        var time = new DateTime(guestTicks);
        return index switch
        {
            Register.Seconds => ToRegister(time.Second),
            Register.Minutes => ToRegister(time.Minute),
            Register.Hours => EncodeHours(time.Hour),
            Register.DayOfWeek => ToRegister((int)time.DayOfWeek + 1), // 1 is Sunday
            Register.DayOfMonth => ToRegister(time.Day),
            Register.Month => ToRegister(time.Month),
            Register.Year => ToRegister(time.Year % 100),
            Register.Century => ToRegister(time.Year / 100),
            _ => _cmos[index],
        };
    }

    private byte EncodeHours(int hour)
    {
        if (Hour24)
            return ToRegister(hour);
        var twelve = hour % 12 == 0 ? 12 : hour % 12;
        return (byte)(ToRegister(twelve) | (hour >= 12 ? HoursPm : 0));
    }

    private byte ToRegister(int value) => Binary ? (byte)value : (byte)(((value / 10) << 4) | (value % 10));

    private int FromRegister(byte value) => Binary ? value : ((value >> 4) * 10) + (value & 0x0f);

    /// <summary>
    /// The guest time the clock registers spell, in ticks. A guest may write nonsense (month 0x13, BCD digits
    /// above 9): each field is clamped to its range rather than rejected, as the chip would count on from it.
    /// </summary>
    private long DecodeClockRegisters()
    {
        var second = Math.Clamp(FromRegister(_cmos[Register.Seconds]), 0, 59);
        var minute = Math.Clamp(FromRegister(_cmos[Register.Minutes]), 0, 59);
        var rawHours = _cmos[Register.Hours];
        int hour;
        if (Hour24)
        {
            hour = Math.Clamp(FromRegister(rawHours), 0, 23);
        }
        else
        {
            hour = Math.Clamp(FromRegister((byte)(rawHours & ~HoursPm)), 1, 12) % 12;
            if ((rawHours & HoursPm) != 0)
                hour += 12;
        }
        var day = Math.Clamp(FromRegister(_cmos[Register.DayOfMonth]), 1, 31);
        var month = Math.Clamp(FromRegister(_cmos[Register.Month]), 1, 12);
        var year = Math.Clamp((FromRegister(_cmos[Register.Century]) * 100) + FromRegister(_cmos[Register.Year]), 1, 9999);

        // Day 31 of a 30-day month rolls into the next month, as mktime would; the last day of 9999 cannot.
        var date = new DateTime(year, month, 1);
        date = day - 1 <= (DateTime.MaxValue - date).TotalDays ? date.AddDays(day - 1) : date;
        var ticks = date.Ticks + new TimeSpan(hour, minute, second).Ticks;
        return Math.Min(ticks, DateTime.MaxValue.Ticks);
    }

    /// <summary>Copies the running clock into the registers: the time SET (or a divider reset) freezes.</summary>
    private void LatchClock(long hostTicks)
    {
        var guest = GuestTicks(hostTicks);
        foreach (var index in ClockRegisters)
            _cmos[index] = EncodeClockRegister(index, guest);
    }

    /// <summary>Lets the clock run on from the time in the registers, <paramref name="extraTicks"/> into its first second.</summary>
    private void StartClockFromRegisters(long hostTicks, long extraTicks)
    {
        _offsetTicks = DecodeClockRegisters() + extraTicks - hostTicks;
        _lastUpdateSecond = GuestTicks(hostTicks) / TimeSpan.TicksPerSecond;
        ArmUpdateTimer(hostTicks);
    }

    /// <summary>A write to one clock register while the clock runs: the other fields and the phase of the second stay.</summary>
    private void SetClockRegister(int index, byte value)
    {
        var now = HostTicks();
        var fraction = GuestTicks(now) % TimeSpan.TicksPerSecond;
        LatchClock(now);
        _cmos[index] = value;
        StartClockFromRegisters(now, fraction);
    }

    private static ReadOnlySpan<int> ClockRegisters =>
        [Register.Seconds, Register.Minutes, Register.Hours, Register.DayOfWeek, Register.DayOfMonth, Register.Month, Register.Year, Register.Century];
}
