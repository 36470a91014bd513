using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace DependencyLibrary;

public abstract class PluginBase : IVmmPlugin
{
    public abstract void ConfigureServices(IServiceCollection services);
}
