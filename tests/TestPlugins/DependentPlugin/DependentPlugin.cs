using DependencyLibrary;
using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace DependentPlugin;

// Derives from a class of its private dependency, so a folder missing DependencyLibrary.dll cannot load it.
public sealed class DependentPlugin : PluginBase
{
    public override void ConfigureServices(IServiceCollection services) =>
        services.AddDeviceType<ZeroDevice, ZeroOptions>("zero", "Reads zeroes",
            static (options, resources) => resources.AddPorts(options.Port, 1));
}

public sealed class ZeroOptions
{
    public ulong Port { get; set; } = 0x80;
}

public sealed class ZeroDevice : IBusDevice
{
    public void Read(in BusAccess access, Span<byte> data) => data.Clear();

    public void Write(in BusAccess access, ReadOnlySpan<byte> data) { }
}
