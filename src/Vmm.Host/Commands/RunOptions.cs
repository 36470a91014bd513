namespace Vmm.Host.Commands;

/// <summary>What <c>vmm run</c> was asked for on the command line (and, in <see cref="PluginPath"/>, by the environment).</summary>
public sealed record RunOptions(
    FileInfo? Config,
    IReadOnlyList<string> PluginDirectories,
    string? Memory,
    int? Cpus,
    string Backend,
    bool Stats,
    bool Verbose,
    bool Trace = false,
    bool NoDefaultPlugins = false,
    string? PluginPath = null);
