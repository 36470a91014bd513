using System.ComponentModel;
using System.Reflection;
using Vmm.Core;
using Vmm.Core.Plugins;

namespace Vmm.Host.Commands;

/// <summary><c>vmm plugins</c>: each plugin found, its device types, and their options with defaults.</summary>
public static class PluginsCommand
{
    public static int Execute(IReadOnlyList<string> pluginDirectories, TextWriter output, TextWriter error)
    {
        try
        {
            var directories = PluginDirectories.Resolve([], null, pluginDirectories);
            var catalog = new PluginCatalog(new PluginLoader().LoadAll(directories));
            foreach (var plugin in catalog.Plugins)
            {
                // The informational version carries the commit after a +; the release number is what a person compares.
                output.WriteLine($"{plugin.Name} {plugin.Version.Split('+')[0]} (SDK {plugin.SdkVersion.ToString(3)}) {plugin.Folder ?? "(in process)"}");
                foreach (var type in plugin.DeviceTypes)
                {
                    output.WriteLine($"  {type.Name}: {type.Description}");
                    var defaults = type.CreateDefaultOptions();
                    foreach (var property in type.OptionsClass.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
                    {
                        var description = property.GetCustomAttribute<DescriptionAttribute>()?.Description;
                        output.WriteLine($"    {property.Name} ({property.PropertyType.Name}) = {Format(property.GetValue(defaults))}{(description is null ? "" : " — " + description)}");
                    }
                }
            }
            return ExitCodes.Success;
        }
        catch (VmmException ex)
        {
            error.WriteLine($"vmm: {ex.Message}");
            return ExitCodes.Error;
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "(none)",
        ushort or uint or ulong => $"0x{value:x}",
        string text => $"\"{text}\"",
        _ => value.ToString() ?? "",
    };
}
