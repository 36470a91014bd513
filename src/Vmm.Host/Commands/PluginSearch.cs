namespace Vmm.Host.Commands;

/// <summary>
/// Where <c>vmm</c> is told to look for plugins: the command line (<c>--plugins</c>, <c>--no-default-plugins</c>),
/// the environment (<c>VMM_PLUGIN_PATH</c>) and the VM config's <c>plugins</c>. <see cref="PluginDirectories"/>
/// turns it into folders.
/// </summary>
public sealed record PluginSearch
{
    /// <summary><c>--plugins</c>, each relative to the current directory.</summary>
    public IReadOnlyList<string> CommandLine { get; init; } = [];

    /// <summary>False with <c>--no-default-plugins</c>: the <c>plugins</c> folder beside vmm is left out.</summary>
    public bool IncludeDefault { get; init; } = true;

    /// <summary>The value of <c>VMM_PLUGIN_PATH</c>, folders separated by <see cref="Path.PathSeparator"/>; null when unset.</summary>
    public string? PluginPath { get; init; }

    /// <summary>The config file's <c>plugins</c>, each relative to <see cref="ConfigFile"/>.</summary>
    public IReadOnlyList<string> Config { get; init; } = [];

    /// <summary>The config file as the user named it; null for the demo, whose config has no plugins.</summary>
    public string? ConfigFile { get; init; }
}
