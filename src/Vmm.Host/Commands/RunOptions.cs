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
    string? PluginPath = null)
{
    /// <summary><c>--machine</c>: the machine type whose devices come first; null takes the config's, else <c>pc</c>.</summary>
    public string? Machine { get; init; }

    /// <summary><c>--device TYPE[,key=value...]</c> entries, added after the config's devices.</summary>
    public IReadOnlyList<string> Devices { get; init; } = [];
}
