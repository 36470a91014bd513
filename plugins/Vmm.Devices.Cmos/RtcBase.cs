using System.Globalization;

namespace Vmm.Devices.Cmos;

/// <summary>
/// Where the RTC's clock starts, parsed from <see cref="CmosOptions.Base"/>: QEMU's <c>-rtc base=</c> values
/// (<c>utc</c>, <c>localtime</c>, or a date and time the guest's clock starts from).
/// </summary>
internal readonly record struct RtcBase(RtcBase.Kind BaseKind, DateTime Start)
{
    internal enum Kind { Utc, LocalTime, Fixed }

    private static readonly string[] DateFormats = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"];

    /// <summary>Parses <paramref name="text"/>; an unknown value is an <see cref="ArgumentException"/> naming the accepted forms.</summary>
    public static RtcBase Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Equals("utc", StringComparison.OrdinalIgnoreCase))
            return new RtcBase(Kind.Utc, default);
        if (text.Equals("localtime", StringComparison.OrdinalIgnoreCase))
            return new RtcBase(Kind.LocalTime, default);
        if (DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
            return new RtcBase(Kind.Fixed, start);
        throw new ArgumentException(
            $"{nameof(CmosOptions.Base)} \"{text}\" is not utc, localtime or a date and time such as 2006-06-17T16:01:21 (QEMU's -rtc base=)",
            nameof(CmosOptions.Base));
    }

    /// <summary>How far the guest's clock is ahead of the host's UTC clock, in ticks, when the device starts.</summary>
    public long OffsetTicks(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return BaseKind switch
        {
            Kind.LocalTime => clock.LocalTimeZone.GetUtcOffset(now).Ticks,
            Kind.Fixed => Start.Ticks - now.UtcTicks,
            _ => 0,
        };
    }
}
