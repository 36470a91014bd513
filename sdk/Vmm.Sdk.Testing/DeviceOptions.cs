using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Vmm.Sdk.Testing;

/// <summary>
/// Turns the options a test passes to <see cref="TestVmBuilder.AddDevice(string, string, object?)"/> into the
/// configuration section a VM config file would give: an anonymous object or any object's public properties, a
/// dictionary, key/value pairs, or an <see cref="IConfiguration"/> as it is. Nested objects and lists become
/// nested sections; numbers are written invariantly, so <c>Port = 0x3f8</c> and <c>Port = "0x3f8"</c> bind alike.
/// </summary>
internal static class DeviceOptions
{
    /// <summary>The configuration section for <paramref name="options"/>; null gives an empty one (every option at its default).</summary>
    public static IConfiguration ToConfiguration(object? options)
    {
        if (options is IConfiguration configuration)
            return configuration;
        var values = new List<KeyValuePair<string, string?>>();
        if (options is not null)
            Flatten(options, prefix: null, values);
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static void Flatten(object options, string? prefix, List<KeyValuePair<string, string?>> values)
    {
        switch (options)
        {
            case IEnumerable<KeyValuePair<string, string?>> pairs:
                foreach (var (key, value) in pairs)
                    values.Add(new(Join(prefix, key), value));
                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                    Add(Join(prefix, Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!), entry.Value, values);
                return;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var (key, value) in pairs)
                    Add(Join(prefix, key), value, values);
                return;
        }
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.CanRead && property.GetIndexParameters().Length == 0)
                Add(Join(prefix, property.Name), property.GetValue(options), values);
        }
    }

    private static void Add(string key, object? value, List<KeyValuePair<string, string?>> values)
    {
        switch (value)
        {
            case null:
                values.Add(new(key, null));
                break;
            case string text:
                values.Add(new(key, text));
                break;
            case bool flag:
                values.Add(new(key, flag ? "true" : "false"));
                break;
            case Enum:
                values.Add(new(key, value.ToString()));
                break;
            case IFormattable formattable:
                values.Add(new(key, formattable.ToString(null, CultureInfo.InvariantCulture)));
                break;
            case IEnumerable<KeyValuePair<string, string?>> or IDictionary or IEnumerable<KeyValuePair<string, object?>>:
                Flatten(value, key, values);
                break;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items)
                    Add(Join(key, index++.ToString(CultureInfo.InvariantCulture)), item, values);
                break;
            default:
                if (value.GetType().IsPrimitive)
                    values.Add(new(key, Convert.ToString(value, CultureInfo.InvariantCulture)));
                else
                    Flatten(value, key, values);
                break;
        }
    }

    private static string Join(string? prefix, string key) => prefix is null ? key : prefix + ConfigurationPath.KeyDelimiter + key;
}
