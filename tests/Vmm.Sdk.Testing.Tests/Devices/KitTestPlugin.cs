using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace Vmm.Sdk.Testing.Tests.Devices;

/// <summary>The devices the kit's own tests drive: small fakes, each doing one thing a test asserts on.</summary>
public sealed class KitTestPlugin : IVmmPlugin
{
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddDeviceType<ProbeDevice, ProbeOptions>("probe", "records accesses, keeps registers, stops the VM and drives its line on request",
            static (options, resources) =>
            {
                resources.AddPorts(options.Port, ProbeDevice.Registers).AddInterrupt(options.Irq);
                if (options.Mmio != 0)
                    resources.AddMmio(options.Mmio, 0x100);
                return resources;
            });
        services.AddDeviceType<TimerDevice, ProbeOptions>("timer", "raises its line when a one-shot timer of N ms fires",
            static (options, resources) => resources.AddPorts(options.Port, 1).AddInterrupt(options.Irq));
        services.AddDeviceType<IndexedRegisterDevice, ProbeOptions>("indexed", "an index/data register pair with a planted bug",
            static (options, resources) => resources.AddPorts(options.Port, 2));
        services.AddDeviceType<HangingDevice, ProbeOptions>("hanging", "never returns from a write to its second port",
            static (options, resources) => resources.AddPorts(options.Port, 2));
        services.AddDeviceType<MachineInfoDevice, ProbeOptions>("machine-info", "reads back the machine description it was given",
            static (options, resources) => resources.AddPorts(options.Port, 3));
        services.AddDeviceType<ScribblingDevice, ProbeOptions>("scribbler", "writes one byte past guest RAM through a pointer",
            static (options, resources) => resources.AddPorts(options.Port, 2));
    }
}
