using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace Vmm.Devices.Serial;

/// <summary>The serial plugin's entry point: offers the <c>uart16550</c> device type.</summary>
public sealed class SerialPlugin : IVmmPlugin
{
    /// <summary>The device type name VM configs use.</summary>
    public const string DeviceTypeName = "uart16550";

    // A 16550 decodes eight consecutive registers (RBR/THR through SCR).
    private const ulong RegisterCount = 8;

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services.AddDeviceType<Uart16550, Uart16550Options>(
            DeviceTypeName,
            "16550A UART: FIFOs, interrupts, loopback, console output and input on 8 I/O ports",
            static (options, resources) =>
            {
                if (options.Irq < 0)
                    throw new ArgumentOutOfRangeException(nameof(Uart16550Options.Irq),
                        $"{nameof(Uart16550Options.Irq)} must be an interrupt line (GSI) of 0 or more, not {options.Irq}.");
                return resources.AddPorts(options.Port, RegisterCount).AddInterrupt(options.Irq);
            });
}
