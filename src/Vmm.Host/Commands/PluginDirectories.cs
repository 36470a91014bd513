using Vmm.Core.Plugins;

namespace Vmm.Host.Commands;

/// <summary>
/// Where plugins come from, searched in this order: the <c>plugins</c> folder beside the vmm executable that the
/// build fills (unless <c>--no-default-plugins</c>; skipped when it does not exist), the folders in
/// <c>VMM_PLUGIN_PATH</c>, the config file's <c>plugins</c> (relative to the file), and <c>--plugins</c>.
/// A folder named twice is searched once. <c>vmm run</c> and <c>vmm plugins</c> both resolve through here.
/// </summary>
public static class PluginDirectories
{
    /// <summary>The environment variable listing plugin folders, separated like <c>PATH</c>.</summary>
    public const string PathVariable = "VMM_PLUGIN_PATH";

    /// <summary>The <c>plugins</c> folder beside the vmm executable.</summary>
    public static string Default => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>
    /// The folders to load, in search order, as full paths. <paramref name="defaultFolder"/> stands in for
    /// <see cref="Default"/> (tests).
    /// </summary>
    /// <exception cref="PluginLoadException">A folder the user named does not exist; the message says where it was named.</exception>
    public static IReadOnlyList<string> Resolve(PluginSearch search, string? defaultFolder = null)
    {
        ArgumentNullException.ThrowIfNull(search);
        var folders = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        if (search.IncludeDefault)
        {
            // The build may not have filled it (a host copied elsewhere, a trimmed install): nothing to add then.
            var folder = FullPath(defaultFolder ?? Default, Environment.CurrentDirectory);
            if (Directory.Exists(folder) && Directory.EnumerateDirectories(folder).Any() && seen.Add(folder))
                folders.Add(folder);
        }

        foreach (var entry in (search.PluginPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            Add(folders, seen, FullPath(entry, Environment.CurrentDirectory), PathVariable, $"fix or unset {PathVariable}");

        if (search.Config.Count > 0)
        {
            var configFile = search.ConfigFile ?? throw new ArgumentException("config plugin folders need the config file they are relative to", nameof(search));
            var configDirectory = Path.GetDirectoryName(Path.GetFullPath(configFile))!;
            for (var i = 0; i < search.Config.Count; i++)
                Add(folders, seen, FullPath(search.Config[i], configDirectory), $"{configFile}: plugins[{i}]", "plugin folders there are relative to the config file");
        }

        foreach (var entry in search.CommandLine)
            Add(folders, seen, FullPath(entry, Environment.CurrentDirectory), "--plugins", "check the path");

        return folders;
    }

    /// <summary>Resolves <paramref name="search"/>, loads every plugin found and catalogs their device types.</summary>
    /// <exception cref="PluginLoadException">A folder is missing, a plugin cannot be used, or two plugins clash.</exception>
    public static PluginCatalog LoadCatalog(PluginSearch search, string? defaultFolder = null)
    {
        var folders = Resolve(search, defaultFolder);
        var plugins = new PluginLoader().LoadAll(folders);
        try
        {
            return new PluginCatalog(plugins);
        }
        catch (PluginLoadException ex) when (search.IncludeDefault
            && ex.Message.Contains(FullPath(defaultFolder ?? Default, Environment.CurrentDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            // The default set is searched without being asked for; a user's own build of one of its plugins
            // (or a type of the same name) clashes with it, and the way out is the flag.
            throw new PluginLoadException($"{ex.Message}, or pass --no-default-plugins to leave out the plugins beside vmm", ex);
        }
    }

    private static void Add(List<string> folders, HashSet<string> seen, string folder, string where, string whatToDo)
    {
        if (!Directory.Exists(folder))
            throw new PluginLoadException($"{where}: plugin folder '{folder}' does not exist; {whatToDo}");
        if (seen.Add(folder))
            folders.Add(folder);
    }

    private static string FullPath(string path, string relativeTo) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(path, relativeTo));
}
