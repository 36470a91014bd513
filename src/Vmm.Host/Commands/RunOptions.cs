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

    /// <summary><c>--fw-cfg NAME,string=S</c> / <c>NAME,file=F</c> entries: files for the fw-cfg device's directory.</summary>
    public IReadOnlyList<string> FwCfgFiles { get; init; } = [];

    /// <summary><c>--kernel</c>: a kernel file whose boot protocol vmm picks (QEMU's <c>-kernel</c>); replaces the config's kernel.</summary>
    public string? Kernel { get; init; }

    /// <summary><c>--cmdline</c>: the kernel's command line (QEMU's <c>-append</c>).</summary>
    public string? CommandLine { get; init; }

    /// <summary><c>--initrd</c>: modules as QEMU's <c>-initrd</c> lists them, <c>"FILE args,FILE"</c>; loaded before <see cref="Modules"/>.</summary>
    public string? Initrd { get; init; }

    /// <summary><c>--module</c> entries, each <c>FILE</c> or <c>"FILE args"</c>.</summary>
    public IReadOnlyList<string> Modules { get; init; } = [];

    /// <summary><c>--no-reboot</c>: a guest reset stops the VM (QEMU's <c>-no-reboot</c>) instead of booting it again.</summary>
    public bool NoReboot { get; init; }
}
