using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace NoEntryPlugin;

// Near misses, none of them an entry point: abstract, internal, and without a parameterless constructor.
public abstract class AbstractPlugin : IVmmPlugin
{
    public abstract void ConfigureServices(IServiceCollection services);
}

internal sealed class HiddenPlugin : IVmmPlugin
{
    public void ConfigureServices(IServiceCollection services) { }
}

public sealed class NeedsArgumentPlugin(string name) : IVmmPlugin
{
    public string Name { get; } = name;

    public void ConfigureServices(IServiceCollection services) { }
}
