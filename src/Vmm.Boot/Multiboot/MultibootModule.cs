namespace Vmm.Boot.Multiboot;

/// <summary>
/// A boot module: bytes loaded page aligned after the kernel, and the string the kernel sees for it
/// (by convention, as GRUB and QEMU pass it, the file name followed by its arguments).
/// </summary>
/// <param name="Name">For messages: the file it came from.</param>
/// <param name="Bytes">The module's contents.</param>
/// <param name="CommandLine">The module's string in the multiboot information (3.3, mods_addr).</param>
public sealed record MultibootModule(string Name, ReadOnlyMemory<byte> Bytes, string CommandLine)
{
    /// <summary>
    /// Reads a module given as QEMU's <c>-initrd</c> takes each one: <c>FILE</c> or <c>FILE args</c>. The whole
    /// text is the module's string; the file is the text up to the first space, unless the whole text names a file.
    /// Relative paths resolve against <paramref name="baseDirectory"/>.
    /// </summary>
    public static MultibootModule FromSpec(string spec, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = spec.Trim();
        if (text.Length == 0)
            throw new BootImageException("module: empty module name; give FILE or \"FILE args\"");
        var file = text;
        if (!File.Exists(Path.GetFullPath(text, baseDirectory)) && text.IndexOf(' ') is var space and > 0)
            file = text[..space];
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(Path.GetFullPath(file, baseDirectory));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BootImageException($"module {file}: {ex.Message}", ex);
        }
        return new MultibootModule(file, bytes, text);
    }
}
