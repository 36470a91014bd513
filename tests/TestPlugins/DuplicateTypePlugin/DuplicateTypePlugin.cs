using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace DuplicateTypePlugin;

// Same name as OldJsonPlugin's type in other letter case: names compare case-insensitively.
public sealed class DuplicateTypePlugin : IVmmPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        services.AddDeviceType<SilentDevice, SilentOptions>("JSON-Version", "Clashes with OldJsonPlugin",
            static (options, resources) => resources.AddPorts(options.Port, 1));
}

public sealed class SilentOptions
{
    public ulong Port { get; set; } = 0x511;
}

public sealed class SilentDevice : IBusDevice
{
    public void Read(in BusAccess access, Span<byte> data) { }

    public void Write(in BusAccess access, ReadOnlySpan<byte> data) { }
}
