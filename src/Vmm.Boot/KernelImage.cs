using Vmm.Boot.Multiboot;
using Vmm.Core.Machine;

namespace Vmm.Boot;

/// <summary>
/// <c>--kernel FILE</c>: reads a kernel and picks its boot protocol from the file itself, as QEMU's <c>-kernel</c>
/// does. Multiboot (v1) is the protocol supported so far.
/// </summary>
public static class KernelImage
{
    /// <summary>The protocols <see cref="FromFile"/> recognises, for messages.</summary>
    public const string SupportedProtocols = "multiboot (v1)";

    /// <summary>
    /// Loads <paramref name="path"/> with <paramref name="commandLine"/> (QEMU's <c>-append</c>) and
    /// <paramref name="modules"/> (each <c>FILE</c> or <c>FILE args</c>, QEMU's <c>-initrd</c> list), relative
    /// paths resolving against <paramref name="baseDirectory"/> (modules against <paramref name="moduleDirectory"/> when
    /// given). A bad file is one <see cref="BootImageException"/>.
    /// </summary>
    public static IBootImage FromFile(string path, string? commandLine, IReadOnlyList<string> modules, string baseDirectory, string? moduleDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(modules);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(Path.GetFullPath(path, baseDirectory));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BootImageException($"kernel {path}: {ex.Message}", ex);
        }
        if (!MultibootImage.IsMultiboot(bytes))
            throw new BootImageException($"kernel {path}: not a kernel vmm can boot: no multiboot header in its first 8192 bytes; supported protocols: {SupportedProtocols}");
        var loaded = new List<MultibootModule>(modules.Count);
        foreach (var module in modules)
            loaded.Add(MultibootModule.FromSpec(module, moduleDirectory ?? baseDirectory));
        // GRUB and QEMU pass the kernel's file name first, then its arguments.
        var fullCommandLine = string.IsNullOrEmpty(commandLine) ? path : $"{path} {commandLine}";
        return MultibootImage.FromBytes(path, bytes, fullCommandLine, loaded);
    }
}
