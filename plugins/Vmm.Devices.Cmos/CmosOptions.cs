using System.ComponentModel;

namespace Vmm.Devices.Cmos;

/// <summary>Options of one <c>mc146818</c> instance, bound from its entry in the VM config.</summary>
/// <example><c>{ "type": "mc146818", "options": { "base": "localtime" } }</c> is a PC's RTC keeping local time, as QEMU's <c>-rtc base=localtime</c>.</example>
public sealed class CmosOptions
{
    /// <summary>The index port; the data port is the next one. 0x70 on a PC.</summary>
    [Description("Index port; the data port is the next one (PC: 0x70, data 0x71).")]
    public ushort Port { get; set; } = 0x70;

    /// <summary>The interrupt line (GSI) the RTC drives; 8 on a PC.</summary>
    [Description("Interrupt line (GSI) of the RTC's periodic, alarm and update-ended interrupts (PC: 8).")]
    public int Irq { get; set; } = 8;

    /// <summary>
    /// What the clock starts at, as QEMU's <c>-rtc base=</c>: <c>utc</c> (the host clock in UTC), <c>localtime</c>
    /// (the host clock in the host's time zone) or a date and time such as <c>2006-06-17T16:01:21</c>, from which the
    /// clock then runs on.
    /// </summary>
    [Description("Start time: utc, localtime, or a date and time (2006-06-17T16:01:21), as QEMU's -rtc base=.")]
    public string Base { get; set; } = "utc";
}
