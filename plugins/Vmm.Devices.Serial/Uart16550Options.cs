using System.ComponentModel;

namespace Vmm.Devices.Serial;

/// <summary>Options of one <c>uart16550</c> instance, bound from its entry in the VM config.</summary>
/// <example><c>{ "type": "uart16550", "port": "0x2f8", "irq": 3 }</c> is COM2.</example>
public sealed class Uart16550Options
{
    /// <summary>The first of the 8 I/O ports the UART decodes; 0x3f8 is COM1.</summary>
    [Description("First of the 8 I/O ports the UART decodes (COM1 0x3f8, COM2 0x2f8).")]
    public ushort Port { get; set; } = 0x3f8;

    /// <summary>The interrupt line (GSI) the UART drives; 4 is COM1's ISA IRQ.</summary>
    [Description("Interrupt line (GSI) of the UART (COM1 4, COM2 3).")]
    public int Irq { get; set; } = 4;
}
