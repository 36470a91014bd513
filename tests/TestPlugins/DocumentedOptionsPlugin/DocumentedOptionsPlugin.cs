using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace DocumentedOptionsPlugin;

/// <summary>Offers <c>documented-port</c>, whose options exercise how <c>vmm plugins</c> describes options.</summary>
public sealed class DocumentedOptionsPlugin : IVmmPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        services.AddDeviceType<DocumentedPort, DocumentedOptions>("documented-port", "A port device with documented options",
            static (options, resources) =>
            {
                resources.AddPorts(options.Port, options.Width).AddMmio(options.Base, 0x1000);
                return options.Irq is { } irq ? resources.AddInterrupt(irq) : resources;
            });
}

public sealed class DocumentedPort : IBusDevice
{
    public void Read(in BusAccess access, Span<byte> data) { }

    public void Write(in BusAccess access, ReadOnlySpan<byte> data) { }
}
