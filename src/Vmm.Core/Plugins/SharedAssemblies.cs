using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Vmm.Sdk;

namespace Vmm.Core.Plugins;

/// <summary>
/// The assemblies a plugin shares with the host, and the rules that a plugin may not need newer ones than the
/// host has, nor an SDK of another major version. Everything else a plugin uses stays private to its load context.
/// </summary>
internal static class SharedAssemblies
{
    /// <summary>
    /// The SDK and the abstractions its public surface exposes (IServiceCollection, ILogger, IOptions, and the
    /// change tokens Options hands out). They must be the host's own assemblies, or a plugin's IVmmPlugin
    /// would be a different type from the host's and the host could not call it.
    /// </summary>
    public static readonly Type[] Types =
    [
        typeof(IVmmPlugin),
        typeof(IServiceCollection),
        typeof(ILogger),
        typeof(IOptions<>),
        typeof(IChangeToken),
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, Version>> LazyHostVersions = new(CollectHostVersions);

    /// <summary>
    /// The version the host has of each shared assembly and of everything they reference, by name. McMaster's
    /// loader sends the same closure to the default context (it walks the shared assemblies' references), so
    /// this is exactly the set whose versions a plugin cannot choose.
    /// </summary>
    public static IReadOnlyDictionary<string, Version> HostVersions => LazyHostVersions.Value;

    /// <summary>The name of the SDK assembly (<c>Vmm.Sdk</c>).</summary>
    public static string SdkName { get; } = typeof(IVmmPlugin).Assembly.GetName().Name!;

    /// <summary>The version of the SDK the host runs with.</summary>
    public static Version HostSdkVersion { get; } = typeof(IVmmPlugin).Assembly.GetName().Version!;

    /// <summary>
    /// Finds the shared assemblies <paramref name="builtAgainst"/> needs in a newer version than the host has, and an
    /// SDK of an older major version than the host's, and says so in one line naming both versions; returns null when
    /// the plugin can share the host's.
    /// </summary>
    /// <remarks>
    /// The default load context satisfies a reference only with the same or a higher version, which is the rule
    /// here too: an older SDK minor or abstraction loads; a newer one (a newer SDK major above all) would fall
    /// through to a private copy in the plugin folder, or fail, at the first use of a type. An older SDK major
    /// would bind to the host's SDK, but a major version is where the SDK may remove or change what the plugin
    /// calls, so it is refused before it fails halfway through a VM.
    /// </remarks>
    public static string? FindConflicts(
        string pluginName, string path, IEnumerable<AssemblyVersionReference> builtAgainst, IReadOnlyDictionary<string, Version> host)
    {
        var newest = new SortedDictionary<string, Version>(StringComparer.OrdinalIgnoreCase);
        Version? olderSdkMajor = null;
        foreach (var (name, version) in builtAgainst)
        {
            if (!host.TryGetValue(name, out var hostVersion))
                continue;
            if (version > hostVersion)
            {
                if (!newest.TryGetValue(name, out var seen) || version > seen)
                    newest[name] = version;
            }
            else if (string.Equals(name, SdkName, StringComparison.OrdinalIgnoreCase) && version.Major < hostVersion.Major
                     && (olderSdkMajor is null || version < olderSdkMajor))
            {
                olderSdkMajor = version;
            }
        }
        // A newer SDK somewhere in the folder is the stronger complaint: updating the host is then an option.
        if (newest.ContainsKey(SdkName))
            olderSdkMajor = null;
        if (newest.Count == 0 && olderSdkMajor is null)
            return null;

        // The SDK first: it is the one a plugin author chose; the abstractions usually follow from it.
        var parts = new List<string>();
        if (olderSdkMajor is not null)
            parts.Add($"{SdkName} {olderSdkMajor}, an older major version than the host's {host[SdkName]}");
        parts.AddRange(newest
            .OrderBy(pair => string.Equals(pair.Key, SdkName, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .Select(pair => $"{pair.Key} {pair.Value} but the host has {host[pair.Key]}"));
        var whatToDo = olderSdkMajor is not null
            ? $"rebuild the plugin against SDK {host[SdkName].Major}.x"
            : "rebuild the plugin against the host's SDK or update the host";
        return $"plugin '{pluginName}' ({path}) was built against {string.Join(", and against ", parts)}; {whatToDo}";
    }

    private static IReadOnlyDictionary<string, Version> CollectHostVersions()
    {
        var versions = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase);
        var pending = new Queue<AssemblyName>(Types.Select(type => type.Assembly.GetName()).DistinctBy(name => name.Name));
        while (pending.TryDequeue(out var name))
        {
            if (name.Name is null || versions.ContainsKey(name.Name))
                continue;
            Assembly assembly;
            try
            {
                assembly = AssemblyLoadContext.Default.LoadFromAssemblyName(name);
            }
            catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                // The host does not have it, so there is no host version for a plugin to exceed.
                continue;
            }
            versions[name.Name] = assembly.GetName().Version ?? new Version(0, 0);
            foreach (var reference in assembly.GetReferencedAssemblies())
                pending.Enqueue(reference);
        }
        return versions;
    }
}
