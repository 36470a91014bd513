using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vmm.Sdk;

namespace NewerAbstractionsPlugin;

public sealed class NewerAbstractionsPlugin : IVmmPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        services.AddDeviceType<LoggingDevice, LoggingOptions>("logging-device", "Logs every write",
            static (options, resources) => resources.AddPorts(options.Port, 1));
}

public sealed class LoggingOptions
{
    public ulong Port { get; set; } = 0x402;
}

// Uses ILogger so the compiler records the reference to Logging.Abstractions 11 that the loader must refuse.
public sealed class LoggingDevice(ILogger<LoggingDevice> logger) : IBusDevice
{
    public void Read(in BusAccess access, Span<byte> data) { }

    public void Write(in BusAccess access, ReadOnlySpan<byte> data) => logger.LogInformation("write {Value}", data[0]);
}
