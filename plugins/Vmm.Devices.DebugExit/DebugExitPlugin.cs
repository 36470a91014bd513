using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace Vmm.Devices.DebugExit;

/// <summary>The debug-exit plugin's entry point: offers the <c>debug-exit</c> device type.</summary>
public sealed class DebugExitPlugin : IVmmPlugin
{
    /// <summary>The device type name VM configs use.</summary>
    public const string DeviceTypeName = "debug-exit";

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services.AddDeviceType<DebugExitPort, DebugExitOptions>(
            DeviceTypeName,
            "isa-debug-exit port: a guest write of v stops the VM with exit code (v << 1) | 1",
            static (options, resources) =>
            {
                DebugExitPort.ThrowIfInvalidWidth(options.Width);
                return resources.AddPorts(options.Port, (ulong)options.Width);
            });
}
