using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Vmm.Sdk;

/// <summary>Registers device types from <see cref="IVmmPlugin.ConfigureServices"/>.</summary>
public static class DeviceTypeServiceCollectionExtensions
{
    /// <summary>
    /// Offers <typeparamref name="TDevice"/> under <paramref name="name"/>. Its constructor may ask for
    /// <c>IOptions&lt;TOptions&gt;</c>, <see cref="IInterruptLine"/> (its first line) or
    /// <c>IReadOnlyList&lt;IInterruptLine&gt;</c> (all its lines, in declaration order), <see cref="IGuestMemory"/>,
    /// <see cref="IVmControl"/>, <see cref="DeviceIdentity"/>, <see cref="TimeProvider"/>,
    /// <c>ILogger&lt;TDevice&gt;</c>, the instance's console <c>PipeWriter</c> and <c>PipeReader</c>,
    /// and any service the plugin registered.
    /// </summary>
    /// <param name="services">The plugin's service collection.</param>
    /// <param name="name">The type name the VM config uses; lower case with dashes by convention.</param>
    /// <param name="description">One line for <c>vmm plugins</c>.</param>
    /// <param name="describeResources">Adds the instance's ranges and lines, computed from its options.</param>
    public static IServiceCollection AddDeviceType<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TDevice,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(
        this IServiceCollection services,
        string name,
        string description,
        Func<TOptions, DeviceResources, DeviceResources> describeResources)
        where TDevice : class, IBusDevice
        where TOptions : class, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(describeResources);
        services.AddSingleton(new DeviceType(name, description, typeof(TDevice), typeof(TOptions),
            (options, resources) => describeResources((TOptions)options, resources)));
        return services;
    }
}
