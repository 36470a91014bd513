using Microsoft.Extensions.Configuration;

namespace Vmm.Host.Configuration;

/// <summary>One device instance in <c>vm.json</c>.</summary>
public sealed class DeviceConfig
{
    /// <summary>The device type (<c>uart16550</c>), as <c>vmm plugins</c> lists it.</summary>
    public string Type { get; set; } = "";

    /// <summary>The instance name; defaults to the type name.</summary>
    public string? Name { get; set; }

    /// <summary>Where the device's console goes: <c>stdout</c>, <c>stderr</c>, <c>none</c> or <c>file:PATH</c>.</summary>
    public string? Console { get; set; }

    /// <summary>Set by the loader: the raw <c>options</c> section, bound later onto the type's options class.</summary>
    internal IConfiguration? OptionsSection { get; set; }

    /// <summary>An <c>options</c> section built in code (a machine preset's, the demo's), as vm.json would give it.</summary>
    internal static IConfiguration OptionsFrom(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    /// <summary>Where the instance was asked for (<c>vm.json: devices[2]</c>, <c>--device '...'</c>), for errors.</summary>
    internal string? Source { get; set; }
}
