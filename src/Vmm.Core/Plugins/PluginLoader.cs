using System.Reflection;
using Vmm.Sdk;
using McMasterPluginLoader = McMaster.NETCore.Plugins.PluginLoader;

namespace Vmm.Core.Plugins;

/// <summary>
/// Loads plugin folders, each into its own load context (McMaster.NETCore.Plugins), sharing only the SDK and the
/// Microsoft.Extensions abstractions it exposes, so a plugin's other dependencies (any version of any package)
/// stay private to it while its <see cref="IVmmPlugin"/> is the host's type.
/// </summary>
/// <remarks>
/// <para>A plugin folder is what <c>dotnet publish -o &lt;plugins&gt;/&lt;Name&gt;</c> of a plugin project produces:
/// <c>&lt;Name&gt;.dll</c>, its <c>.deps.json</c> and its private dependencies, without <c>Vmm.Sdk.dll</c>.</para>
/// <para>The entry point is the one public, non-abstract class in <c>&lt;Name&gt;.dll</c> that implements
/// <see cref="IVmmPlugin"/> and has a public parameterless constructor. Every failure is a
/// <see cref="PluginLoadException"/> whose one-line message names the plugin, its path and what to do.</para>
/// <para>Contexts are neither watched nor unloadable: replacing a plugin while a VM runs is the VM's job
/// (pause, save device state, load, restore), not a file watcher's.</para>
/// </remarks>
public sealed class PluginLoader
{
    /// <summary>
    /// Loads the plugin in <paramref name="pluginFolder"/>, which holds <c>&lt;FolderName&gt;.dll</c>.
    /// </summary>
    /// <exception cref="PluginLoadException">The plugin cannot be used; the message says why and what to do.</exception>
    public LoadedPlugin Load(string pluginFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginFolder);
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(pluginFolder));
        var name = Path.GetFileName(folder);
        if (!Directory.Exists(folder))
            throw new PluginLoadException(
                $"plugin '{name}': folder '{folder}' does not exist; check the plugin path, or build the host so it publishes the plugin there");

        var assemblyPath = Path.Combine(folder, name + ".dll");
        if (!File.Exists(assemblyPath))
            throw new PluginLoadException(
                $"plugin '{name}': folder '{folder}' has no {name}.dll; a plugin folder holds the assembly named after it, "
                + $"as 'dotnet publish -o <plugins>/{name}' of the plugin project leaves it");

        PluginAssemblyMetadata metadata;
        try
        {
            metadata = PluginAssemblyMetadata.Read(assemblyPath);
        }
        catch (Exception ex) when (ex is BadImageFormatException or IOException or UnauthorizedAccessException)
        {
            throw new PluginLoadException(
                $"plugin '{name}' ({assemblyPath}) is not a readable .NET assembly ({PluginLoadException.Describe(ex)}); rebuild and republish the plugin", ex);
        }

        CheckSharedVersions(name, folder, assemblyPath, metadata);

        // The context: shared types from the host, everything else resolved through the plugin's .deps.json
        // and folder. No hot reload (McMaster would watch the folder and swap contexts under a running VM).
        McMasterPluginLoader loader;
        Type entryType;
        try
        {
            loader = McMasterPluginLoader.CreateFromAssemblyFile(assemblyPath, sharedTypes: SharedAssemblies.Types, config =>
            {
                config.EnableHotReload = false;
                config.IsUnloadable = false;
                config.PreferSharedTypes = false;
            });
            entryType = FindEntryType(name, assemblyPath, loader.LoadDefaultAssembly());
        }
        // InvalidOperationException: the runtime's dependency resolver rejects a malformed .deps.json.
        catch (Exception ex) when (ex is BadImageFormatException or FileNotFoundException or FileLoadException
                                       or TypeLoadException or ReflectionTypeLoadException or InvalidOperationException)
        {
            throw new PluginLoadException(LoadedPlugin.FailedToLoad(name, assemblyPath, ex), ex);
        }

        // Contextual reflection: Type.GetType and Assembly.Load by name in plugin code resolve in the plugin's context.
        using (loader.EnterContextualReflection())
        {
            IVmmPlugin entry;
            try
            {
                entry = (IVmmPlugin)Activator.CreateInstance(entryType, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DoNotWrapExceptions,
                    binder: null, args: null, culture: null)!;
            }
            catch (Exception ex)
            {
                throw new PluginLoadException(LoadedPlugin.ConstructorThrew(name, assemblyPath, entryType, ex), ex);
            }

            var sdkVersion = metadata.References.Where(reference => reference.Name == SharedAssemblies.SdkName)
                .Select(reference => reference.Version).FirstOrDefault() ?? SharedAssemblies.HostSdkVersion;
            return LoadedPlugin.Create(entry, metadata.Identity.Name, sdkVersion, folder);
        }
    }

    /// <summary>
    /// Loads every plugin under <paramref name="directories"/>: each is a plugin folder itself (it holds
    /// <c>&lt;FolderName&gt;.dll</c>) or a folder of plugin folders, loaded in name order. A folder named twice
    /// is loaded once.
    /// </summary>
    /// <exception cref="PluginLoadException">A directory is missing or holds no plugin, or a plugin cannot be used.</exception>
    public IReadOnlyList<LoadedPlugin> LoadAll(IEnumerable<string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var folders = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in directories)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(directory, nameof(directories));
            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
            if (!Directory.Exists(full))
                throw new PluginLoadException($"plugin directory '{full}' does not exist; check the plugin path");

            var name = Path.GetFileName(full);
            if (File.Exists(Path.Combine(full, name + ".dll")))
            {
                if (seen.Add(full))
                    folders.Add(full);
                continue;
            }

            var subfolders = Directory.GetDirectories(full);
            if (subfolders.Length == 0)
                throw new PluginLoadException(
                    $"plugin directory '{full}' holds no plugin (no {name}.dll and no plugin folders); "
                    + "point it at a plugin folder or at a folder of plugin folders");
            Array.Sort(subfolders, StringComparer.Ordinal);
            foreach (var subfolder in subfolders)
            {
                if (seen.Add(subfolder))
                    folders.Add(subfolder);
            }
        }

        var plugins = new List<LoadedPlugin>(folders.Count);
        foreach (var folder in folders)
            plugins.Add(Load(folder));
        return plugins;
    }

    private static void CheckSharedVersions(string name, string folder, string assemblyPath, PluginAssemblyMetadata main)
    {
        // The plugin's own references first, then its private dependencies': a library the plugin uses may have
        // been built against a newer abstraction than the plugin itself, and would get a private copy of it.
        var builtAgainst = new List<AssemblyVersionReference>(main.References);
        foreach (var dependency in Directory.EnumerateFiles(folder, "*.dll"))
        {
            if (string.Equals(dependency, assemblyPath, StringComparison.Ordinal))
                continue;
            if (PluginAssemblyMetadata.TryRead(dependency) is { } metadata)
            {
                builtAgainst.Add(metadata.Identity);   // a newer copy of a shared assembly shipped in the folder
                builtAgainst.AddRange(metadata.References);
            }
        }
        if (SharedAssemblies.FindConflicts(name, assemblyPath, builtAgainst, SharedAssemblies.HostVersions) is { } conflict)
            throw new PluginLoadException(conflict);
    }

    private static Type FindEntryType(string name, string assemblyPath, Assembly assembly)
    {
        var implementations = assembly.GetExportedTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false } && typeof(IVmmPlugin).IsAssignableFrom(type))
            .ToArray();
        var entries = implementations.Where(type => type.GetConstructor(Type.EmptyTypes) is not null).ToArray();
        switch (entries.Length)
        {
            case 1:
                return entries[0];
            case 0:
                var nearMisses = implementations.Length == 0
                    ? ""
                    : $" ({string.Join(", ", implementations.Select(type => type.FullName))}: no public parameterless constructor)";
                throw new PluginLoadException(
                    $"plugin '{name}' ({assemblyPath}) has no entry point{nearMisses}; add one public non-abstract class "
                    + $"implementing {typeof(IVmmPlugin).FullName} with a public parameterless constructor");
            default:
                throw new PluginLoadException(
                    $"plugin '{name}' ({assemblyPath}) has {entries.Length} entry points ({string.Join(", ", entries.Select(type => type.FullName))}); "
                    + $"keep exactly one public class implementing {typeof(IVmmPlugin).FullName}");
        }
    }
}
