using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace Vmm.Devices.FwCfg.Tests;

/// <summary>A plugin that contributes a file through the SDK contract, as any plugin may.</summary>
public sealed class GreetingPlugin : IVmmPlugin
{
    public const string FileName = "opt/org.example/greeting";

    public void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton(new FirmwareFile(FileName, "hello from a plugin"u8.ToArray()));
}
