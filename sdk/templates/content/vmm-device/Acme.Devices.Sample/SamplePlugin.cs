using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace Acme.Devices.Sample;

/// <summary>
/// The plugin's entry point: the vmm host creates this class and calls <see cref="ConfigureServices"/> to learn the
/// device types the plugin offers. This one offers <c>sample-device</c>.
/// </summary>
public sealed class SamplePlugin : IVmmPlugin
{
    /// <summary>The device type name VM configs use.</summary>
    public const string DeviceTypeName = "sample-device";

    /// <summary>The highest GSI: a PC's I/O APIC has 24 inputs.</summary>
    public const int MaxIrq = 23;

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services.AddDeviceType<SampleDevice, SampleOptions>(
            DeviceTypeName,
            "A counter with a doorbell: each doorbell write adds Step and raises an interrupt",
            static (options, resources) =>
            {
                // Checked before the guest starts: vmm reports an ArgumentException thrown here as one line naming the
                // device instance, and TestVm.Create throws it.
                if (options.Step == 0)
                    throw new ArgumentOutOfRangeException(nameof(SampleOptions.Step),
                        $"{nameof(SampleOptions.Step)} must be 1 to 255: a doorbell that adds 0 would never change the counter.");
                if (options.Irq is < 0 or > MaxIrq)
                    throw new ArgumentOutOfRangeException(nameof(SampleOptions.Irq),
                        $"{nameof(SampleOptions.Irq)} must be an interrupt line (GSI) from 0 to {MaxIrq}, not {options.Irq}.");
#if (IsMmio)
                return resources.AddMmio(options.Address, SampleDevice.RegionSize).AddInterrupt(options.Irq);
#else
                return resources.AddPorts(options.Port, SampleDevice.RegisterCount).AddInterrupt(options.Irq);
#endif
            });
}
