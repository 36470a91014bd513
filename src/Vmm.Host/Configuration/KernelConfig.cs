namespace Vmm.Host.Configuration;

/// <summary>
/// A kernel in <c>vm.json</c> (<c>"kernel": { "path": ..., "cmdline": ..., "modules": [...] }</c>), the config
/// form of <c>--kernel</c>, <c>--cmdline</c> and <c>--module</c> (QEMU's <c>-kernel</c>, <c>-append</c> and
/// <c>-initrd</c>). The boot protocol comes from the file.
/// </summary>
public sealed class KernelConfig
{
    /// <summary>The kernel file, relative to the config file.</summary>
    public string Path { get; set; } = "";

    /// <summary>The kernel's command line (after its file name, which the kernel sees first, as under GRUB and QEMU).</summary>
    public string? Cmdline { get; set; }

    /// <summary>Boot modules in order, each <c>FILE</c> or <c>"FILE args"</c>, relative to the config file.</summary>
    public List<string> Modules { get; set; } = [];
}
