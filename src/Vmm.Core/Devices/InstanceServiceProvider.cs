using Microsoft.Extensions.DependencyInjection;

namespace Vmm.Core.Devices;

/// <summary>
/// The services one device instance's constructor sees: its own objects (options, interrupt line,
/// console pipes, identity) first, then its plugin's container. Used only while the device is created.
/// </summary>
internal sealed class InstanceServiceProvider(IServiceProvider pluginServices, IReadOnlyDictionary<Type, object> instanceServices)
    : IServiceProvider, IServiceProviderIsService
{
    public object? GetService(Type serviceType)
    {
        if (instanceServices.TryGetValue(serviceType, out var service))
            return service;
        if (serviceType == typeof(IServiceProviderIsService))
            return this;
        return pluginServices.GetService(serviceType);
    }

    public bool IsService(Type serviceType) =>
        instanceServices.ContainsKey(serviceType)
        || (pluginServices.GetService(typeof(IServiceProviderIsService)) is IServiceProviderIsService inner && inner.IsService(serviceType));
}
