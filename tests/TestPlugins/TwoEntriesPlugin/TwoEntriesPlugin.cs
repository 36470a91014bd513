using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace TwoEntriesPlugin;

public sealed class FirstPlugin : IVmmPlugin
{
    public void ConfigureServices(IServiceCollection services) { }
}

public sealed class SecondPlugin : IVmmPlugin
{
    public void ConfigureServices(IServiceCollection services) { }
}
