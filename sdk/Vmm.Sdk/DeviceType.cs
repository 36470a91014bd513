using System.Diagnostics.CodeAnalysis;

namespace Vmm.Sdk;

/// <summary>
/// A kind of device a plugin offers (<c>uart16550</c>). The VM config creates named instances of it,
/// each with its own options; the type says which ranges and lines an instance needs from its options.
/// </summary>
public sealed class DeviceType
{
    private readonly Func<object, DeviceResources, DeviceResources> _describe;

    internal DeviceType(
        string name,
        string description,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type deviceClass,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties)] Type optionsClass,
        Func<object, DeviceResources, DeviceResources> describe)
    {
        Name = name;
        Description = description;
        DeviceClass = deviceClass;
        OptionsClass = optionsClass;
        _describe = describe;
    }

    /// <summary>The name the VM config uses (<c>uart16550</c>).</summary>
    public string Name { get; }

    /// <summary>One line for <c>vmm plugins</c>.</summary>
    public string Description { get; }

    /// <summary>The <see cref="IBusDevice"/> class; created with constructor injection.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)]
    public Type DeviceClass { get; }

    /// <summary>The options class: public settable properties with defaults, bound from the instance's config.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties)]
    public Type OptionsClass { get; }

    /// <summary>The ranges and lines an instance with <paramref name="options"/> needs.</summary>
    public DeviceResources DescribeResources(object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!OptionsClass.IsInstanceOfType(options))
            throw new ArgumentException($"options for '{Name}' must be {OptionsClass.Name}, not {options.GetType().Name}", nameof(options));
        return _describe(options, new DeviceResources());
    }

    /// <summary>A fresh options object holding the defaults.</summary>
    public object CreateDefaultOptions() => Activator.CreateInstance(OptionsClass)!;
}
