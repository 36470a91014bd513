using System.Diagnostics.CodeAnalysis;
using Vmm.Sdk;

namespace Vmm.Core.Plugins;

/// <summary>
/// The plugins a VM may use and the device types they offer, by name. Built once before the guest starts, so a
/// clash between two plugins is reported up front rather than as whichever registration happened to win.
/// </summary>
/// <remarks>Plugin and device type names compare ignoring case, as a VM config author would expect.</remarks>
public sealed class PluginCatalog
{
    private readonly Dictionary<string, (LoadedPlugin Plugin, DeviceType Type)> _deviceTypes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Catalogs <paramref name="plugins"/>.</summary>
    /// <exception cref="PluginLoadException">
    /// The same plugin is given twice, or a device type name is offered twice; the message names both.
    /// </exception>
    public PluginCatalog(IEnumerable<LoadedPlugin> plugins)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        var list = plugins.ToArray();
        // A plugin is its assembly and entry point: the same pair twice (one plugin folder copied under two
        // parents) would register its middleware twice even if it offers no device type to clash on.
        var entries = new Dictionary<string, LoadedPlugin>(StringComparer.OrdinalIgnoreCase);
        foreach (var plugin in list)
        {
            ArgumentNullException.ThrowIfNull(plugin, nameof(plugins));
            var entry = $"{plugin.Name}/{plugin.Entry.GetType().FullName}";
            if (!entries.TryAdd(entry, plugin))
                throw new PluginLoadException(
                    $"plugin '{plugin.Name}' is loaded twice, from {Where(entries[entry])} and from {Where(plugin)}; keep one of them");

            foreach (var type in plugin.DeviceTypes)
            {
                if (_deviceTypes.TryGetValue(type.Name, out var first))
                    throw new PluginLoadException(ReferenceEquals(first.Plugin, plugin)
                        ? $"plugin '{plugin.Name}' ({Where(plugin)}) offers device type '{type.Name}' twice; register each name once"
                        : $"device type '{type.Name}' is offered by two plugins: '{first.Plugin.Name}' ({Where(first.Plugin)}, as '{first.Type.Name}') "
                          + $"and '{plugin.Name}' ({Where(plugin)}); names ignore case: remove one of the plugins or rename its type");
                _deviceTypes.Add(type.Name, (plugin, type));
            }
        }
        Plugins = list;
    }

    /// <summary>The plugins, in the order given.</summary>
    public IReadOnlyList<LoadedPlugin> Plugins { get; }

    /// <summary>Finds the device type called <paramref name="name"/> (ignoring case) and the plugin that offers it.</summary>
    public bool TryGetDeviceType(string name, [MaybeNullWhen(false)] out LoadedPlugin plugin, [MaybeNullWhen(false)] out DeviceType type)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_deviceTypes.TryGetValue(name, out var found))
        {
            (plugin, type) = found;
            return true;
        }
        plugin = null;
        type = null;
        return false;
    }

    private static string Where(LoadedPlugin plugin) => plugin.Folder ?? LoadedPlugin.InProcess;
}
