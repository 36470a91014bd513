using System.Collections.Concurrent;
using Vmm.Core.Plugins;

namespace Vmm.Sdk.Testing.Backend;

/// <summary>
/// Plugin folders loaded by <see cref="PluginLoader"/>, once per process as the host loads them, so that building
/// many test VMs (a fuzz run builds one per sample) reuses one load context per folder instead of making more.
/// </summary>
internal static class PluginFolderCache
{
    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<LoadedPlugin>>> Loaded = new(StringComparer.Ordinal);

    public static IReadOnlyList<LoadedPlugin> LoadAll(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var lazy = Loaded.GetOrAdd(full, static path => new Lazy<IReadOnlyList<LoadedPlugin>>(() => new PluginLoader().LoadAll([path])));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A failed load is not cached: the test may fix the folder (publish the plugin) and try again.
            Loaded.TryRemove(new KeyValuePair<string, Lazy<IReadOnlyList<LoadedPlugin>>>(full, lazy));
            throw;
        }
    }
}
