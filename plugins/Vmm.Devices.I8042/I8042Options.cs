using System.ComponentModel;

namespace Vmm.Devices.I8042;

/// <summary>Options of one <c>i8042</c> instance, bound from its entry in the VM config; the defaults are the PC's.</summary>
/// <example><c>{ "type": "i8042" }</c> is the PC keyboard controller at 0x60/0x64 on IRQ 1 and 12.</example>
public sealed class I8042Options
{
    /// <summary>The data port (output buffer on read, input buffer on write).</summary>
    [Description("Data port: output buffer on read, data for the controller or keyboard on write (PC 0x60).")]
    public ushort DataPort { get; set; } = 0x60;

    /// <summary>The status (read) and command (write) port.</summary>
    [Description("Status register on read, controller command on write (PC 0x64).")]
    public ushort CommandPort { get; set; } = 0x64;

    /// <summary>The line raised while keyboard (or controller) data waits in the output buffer.</summary>
    [Description("Interrupt line (GSI) of keyboard data (PC IRQ 1).")]
    public int KeyboardIrq { get; set; } = 1;

    /// <summary>The line raised while auxiliary (mouse) port data waits in the output buffer.</summary>
    [Description("Interrupt line (GSI) of auxiliary (mouse) port data (PC IRQ 12).")]
    public int AuxIrq { get; set; } = 12;
}
