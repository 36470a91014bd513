using System.Buffers.Binary;

namespace Vmm.Boot.Multiboot;

/// <summary>
/// The multiboot header of an OS image (Multiboot Specification 0.6.96, 3.1.1 "Header layout"): found
/// 32-bit aligned in the first 8192 bytes, with the address fields valid when flag 16 is set.
/// </summary>
internal readonly record struct MultibootHeader(
    int FileOffset,
    uint Flags,
    uint HeaderAddress,
    uint LoadAddress,
    uint LoadEndAddress,
    uint BssEndAddress,
    uint EntryAddress)
{
    public const uint Magic = 0x1BAD_B002;

    /// <summary>3.1.1: the header lies completely within the first 8192 bytes.</summary>
    public const int SearchLimit = 8192;

    /// <summary>3.1.2 bit 0: modules page aligned.</summary>
    public const uint PageAlignModules = 1u << 0;

    /// <summary>3.1.2 bit 1: memory information (mem_* and, when available, mmap_*).</summary>
    public const uint MemoryInfo = 1u << 1;

    /// <summary>3.1.2 bit 2: video mode table; vmm has no display, so it passes none (3.3 says the OS must check).</summary>
    public const uint VideoMode = 1u << 2;

    /// <summary>3.1.2 bit 16: the address fields at offsets 12-28 are valid and replace the executable's headers.</summary>
    public const uint AddressFieldsValid = 1u << 16;

    /// <summary>3.1.2: bits 0-15 are requirements a loader must refuse when it cannot meet them.</summary>
    private const uint RequiredMask = 0xFFFF;

    private const uint Understood = PageAlignModules | MemoryInfo | VideoMode;

    public bool HasAddressFields => (Flags & AddressFieldsValid) != 0;

    /// <summary>True if the magic appears 32-bit aligned in the first 8192 bytes (whether or not the rest is valid).</summary>
    public static bool HasMagic(ReadOnlySpan<byte> image)
    {
        var limit = Math.Min(image.Length, SearchLimit);
        for (var offset = 0; offset + 4 <= limit; offset += 4)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(image[offset..]) == Magic)
                return true;
        }
        return false;
    }

    /// <summary>The first valid header; a bad image throws <see cref="BootImageException"/> starting with <paramref name="name"/>.</summary>
    public static MultibootHeader Find(string name, ReadOnlySpan<byte> image)
    {
        var limit = Math.Min(image.Length, SearchLimit);
        int? badChecksumAt = null;
        for (var offset = 0; offset + 4 <= limit; offset += 4)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(image[offset..]) != Magic)
                continue;
            if (offset + 12 > limit)
                throw new BootImageException($"{name}: the multiboot header at offset 0x{offset:x} is truncated (the magic, flags and checksum need 12 bytes within the first {SearchLimit})");
            var flags = BinaryPrimitives.ReadUInt32LittleEndian(image[(offset + 4)..]);
            var checksum = BinaryPrimitives.ReadUInt32LittleEndian(image[(offset + 8)..]);
            // 3.1.2: magic + flags + checksum is zero as an unsigned 32-bit sum.
            if (unchecked(Magic + flags + checksum) != 0)
            {
                badChecksumAt ??= offset;
                continue;
            }
            return Parse(name, image, limit, offset, flags);
        }
        if (badChecksumAt is { } at)
            throw new BootImageException($"{name}: the multiboot header at offset 0x{at:x} has a bad checksum (magic + flags + checksum must be 0 mod 2^32)");
        throw new BootImageException($"{name}: no multiboot header (magic 0x{Magic:X8}, 32-bit aligned) in the first {SearchLimit} bytes");
    }

    private static MultibootHeader Parse(string name, ReadOnlySpan<byte> image, int limit, int offset, uint flags)
    {
        var unsupported = flags & RequiredMask & ~Understood;
        if (unsupported != 0)
            throw new BootImageException($"{name}: the multiboot header requires features vmm does not provide (flags bits 0x{unsupported:x}); vmm understands bits 0-2 and 16");
        if ((flags & AddressFieldsValid) == 0)
            return new MultibootHeader(offset, flags, 0, 0, 0, 0, 0);
        // 3.1.3: header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr at offsets 12-28.
        if (offset + 32 > limit)
            throw new BootImageException($"{name}: the multiboot header at offset 0x{offset:x} is truncated (flag 16 needs the address fields, 32 bytes within the first {SearchLimit})");
        var fields = image.Slice(offset + 12, 20);
        return new MultibootHeader(
            offset,
            flags,
            BinaryPrimitives.ReadUInt32LittleEndian(fields),
            BinaryPrimitives.ReadUInt32LittleEndian(fields[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(fields[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(fields[12..]),
            BinaryPrimitives.ReadUInt32LittleEndian(fields[16..]));
    }
}
