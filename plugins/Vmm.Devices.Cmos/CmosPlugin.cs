using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace Vmm.Devices.Cmos;

/// <summary>The CMOS plugin's entry point: offers the <c>mc146818</c> device type.</summary>
public sealed class CmosPlugin : IVmmPlugin
{
    /// <summary>The device type name VM configs use.</summary>
    public const string DeviceTypeName = "mc146818";

    // An index port and a data port (MC146818A on a PC: 0x70 and 0x71).
    private const ulong PortCount = 2;

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services.AddDeviceType<Mc146818Rtc, CmosOptions>(
            DeviceTypeName,
            "MC146818 CMOS RTC: clock, alarm, periodic and update interrupts, 128 bytes of CMOS with the memory size",
            static (options, resources) =>
            {
                if (options.Irq < 0)
                    throw new ArgumentOutOfRangeException(nameof(CmosOptions.Irq),
                        $"{nameof(CmosOptions.Irq)} must be an interrupt line (GSI) of 0 or more, not {options.Irq}.");
                _ = RtcBase.Parse(options.Base);
                return resources.AddPorts(options.Port, PortCount).AddInterrupt(options.Irq);
            });
}
