namespace Vmm.Host.Commands;

/// <summary>What <c>vmm run</c> was asked for on the command line.</summary>
public sealed record RunOptions(
    FileInfo? Config,
    IReadOnlyList<string> PluginDirectories,
    string? Memory,
    int? Cpus,
    string Backend,
    bool Stats,
    bool Verbose,
    bool Trace = false);
