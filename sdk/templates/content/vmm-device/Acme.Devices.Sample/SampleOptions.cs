using System.ComponentModel;

namespace Acme.Devices.Sample;

/// <summary>
/// Options of one <c>sample-device</c> instance, bound from its <c>options</c> in vm.json (hex strings such as
/// <c>"0x300"</c> work). Each property's <see cref="DescriptionAttribute"/> is what <c>vmm plugins</c> shows.
/// </summary>
public sealed class SampleOptions
{
#if (IsMmio)
    /// <summary>The guest-physical address of the device's 4 KiB register page.</summary>
    [Description("Guest-physical address of the 4 KiB register page (COUNTER at +0, DOORBELL/STATUS at +1).")]
    public ulong Address { get; set; } = 0xd000_0000;
#else
    /// <summary>The first of the device's two I/O ports.</summary>
    [Description("First of the two I/O ports (COUNTER at +0, DOORBELL/STATUS at +1).")]
    public ushort Port { get; set; } = 0x300;
#endif

    /// <summary>The interrupt line (GSI) a doorbell raises.</summary>
    [Description("Interrupt line (GSI, 0-23) a doorbell write raises until STATUS is read.")]
    public int Irq { get; set; } = 5;

    /// <summary>What each doorbell write adds to the counter.</summary>
    [Description("Added to the counter by each doorbell write (1-255).")]
    public byte Step { get; set; } = 1;
}
