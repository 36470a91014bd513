using System.Buffers.Binary;
using System.Text;
using Vmm.Sdk;

namespace Vmm.Devices.FwCfg;

/// <summary>
/// The file items and the file directory (QEMU docs/specs/fw_cfg.rst, "File Directory"): files sorted by name
/// (byte order, as QEMU inserts them) at selectors 0x0020 upward, and the directory item, a big-endian count
/// followed by one 64-byte <c>FWCfgFile</c> entry per file (big-endian size and select, reserved, 56-byte name).
/// </summary>
internal static class FwCfgFileTable
{
    /// <summary>FW_CFG_FILE_FIRST: the first file's selector.</summary>
    public const ushort FirstFileSelector = 0x0020;

    /// <summary>A name fills at most 55 bytes: the entry's 56-byte field keeps a terminating NUL.</summary>
    public const int MaxNameBytes = 55;

    // Selectors 0x0020-0x3fff are the generic items files may take.
    private const int MaxFiles = 0x4000 - FirstFileSelector;

    private const int EntrySize = 64, NameOffset = 8, NameField = 56;

    /// <summary>Throws an <see cref="ArgumentException"/> unless <paramref name="name"/> fits a directory entry.</summary>
    public static void ValidateName(string? name, string where)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException($"{where}: a fw_cfg file needs a name, e.g. opt/org.example/config");
        if (name.Contains('\0'))
            throw new ArgumentException($"{where}: fw_cfg file name \"{name.Replace("\0", "\\0", StringComparison.Ordinal)}\" contains a NUL");
        var bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > MaxNameBytes)
            throw new ArgumentException($"{where}: fw_cfg file name \"{name}\" is {bytes} bytes; at most {MaxNameBytes} fit a directory entry");
    }

    /// <summary>
    /// Sorts <paramref name="files"/>, checks names (a duplicate is an error naming both sources), and returns the
    /// directory bytes and each file's selector.
    /// </summary>
    public static (byte[] Directory, IReadOnlyList<(ushort Selector, FirmwareFile File)> Items) Build(IReadOnlyList<FirmwareFile> files)
    {
        foreach (var file in files)
            ValidateName(file.Name, file.Source ?? "fw_cfg file");
        if (files.Count > MaxFiles)
            throw new ArgumentException($"{files.Count} fw_cfg files; at most {MaxFiles} fit the selectors 0x0020-0x3fff");

        var sorted = files.OrderBy(file => file.Name, StringComparer.Ordinal).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Name == sorted[i - 1].Name)
                throw new ArgumentException($"fw_cfg file \"{sorted[i].Name}\" is given twice: by {sorted[i - 1].Source ?? "an unnamed source"} and by {sorted[i].Source ?? "an unnamed source"}; give each file one name");
        }

        var directory = new byte[sizeof(uint) + (sorted.Count * EntrySize)];
        BinaryPrimitives.WriteUInt32BigEndian(directory, (uint)sorted.Count);
        var items = new List<(ushort, FirmwareFile)>(sorted.Count);
        for (var i = 0; i < sorted.Count; i++)
        {
            var selector = (ushort)(FirstFileSelector + i);
            var entry = directory.AsSpan(sizeof(uint) + (i * EntrySize), EntrySize);
            BinaryPrimitives.WriteUInt32BigEndian(entry, (uint)sorted[i].Contents.Length);
            BinaryPrimitives.WriteUInt16BigEndian(entry[4..], selector);
            Encoding.UTF8.GetBytes(sorted[i].Name, entry.Slice(NameOffset, NameField));
            items.Add((selector, sorted[i]));
        }
        return (directory, items);
    }
}
