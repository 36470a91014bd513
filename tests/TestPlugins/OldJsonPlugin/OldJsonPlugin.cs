using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace OldJsonPlugin;

/// <summary>Offers <c>json-version</c>, a device that reports which Newtonsoft.Json this plugin loaded.</summary>
public sealed class OldJsonPlugin : IVmmPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        services.AddDeviceType<JsonVersionDevice, JsonVersionOptions>("json-version", "Reports the plugin's Newtonsoft.Json version",
            static (options, resources) => resources.AddPorts(options.Port, 1));
}
