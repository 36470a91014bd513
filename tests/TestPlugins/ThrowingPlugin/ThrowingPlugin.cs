using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace ThrowingPlugin;

public sealed class ThrowingPlugin : IVmmPlugin
{
    public ThrowingPlugin() => throw new InvalidOperationException("license file not found");

    public void ConfigureServices(IServiceCollection services) { }
}
