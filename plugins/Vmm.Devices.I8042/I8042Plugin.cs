using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace Vmm.Devices.I8042;

/// <summary>The i8042 plugin's entry point: offers the <c>i8042</c> device type.</summary>
public sealed class I8042Plugin : IVmmPlugin
{
    /// <summary>The device type name VM configs use.</summary>
    public const string DeviceTypeName = "i8042";

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services.AddDeviceType<I8042Controller, I8042Options>(
            DeviceTypeName,
            "i8042 PS/2 keyboard controller: status, commands, a PS/2 keyboard, the reset line (command 0xFE)",
            static (options, resources) =>
            {
                if (options.DataPort == options.CommandPort)
                    throw new ArgumentException(
                        $"{nameof(I8042Options.DataPort)} and {nameof(I8042Options.CommandPort)} must differ (both 0x{options.DataPort:x}).");
                ThrowIfNegative(options.KeyboardIrq, nameof(I8042Options.KeyboardIrq));
                ThrowIfNegative(options.AuxIrq, nameof(I8042Options.AuxIrq));
                // Range 0 is the data port, range 1 the command port; line 0 is the keyboard's, line 1 the aux port's.
                return resources.AddPorts(options.DataPort, 1).AddPorts(options.CommandPort, 1)
                    .AddInterrupt(options.KeyboardIrq).AddInterrupt(options.AuxIrq);
            });

    private static void ThrowIfNegative(int irq, string name)
    {
        if (irq < 0)
            throw new ArgumentOutOfRangeException(name, $"{name} must be an interrupt line (GSI) of 0 or more, not {irq}.");
    }
}
