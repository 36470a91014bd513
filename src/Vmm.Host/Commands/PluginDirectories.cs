namespace Vmm.Host.Commands;

/// <summary>
/// Where plugins come from: folders from the config (relative to it) and <c>--plugins</c>; with none
/// given, the <c>plugins</c> folder beside the vmm executable that the build fills.
/// </summary>
public static class PluginDirectories
{
    public static string Default => Path.Combine(AppContext.BaseDirectory, "plugins");

    public static IReadOnlyList<string> Resolve(IEnumerable<string> fromConfig, string? configDirectory, IEnumerable<string> fromCommandLine)
    {
        var folders = fromConfig.Select(folder => Path.GetFullPath(folder, configDirectory ?? Environment.CurrentDirectory))
            .Concat(fromCommandLine.Select(folder => Path.GetFullPath(folder)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return folders.Count > 0 ? folders : [Default];
    }
}
