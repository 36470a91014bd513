using System.Buffers.Binary;

namespace Vmm.Boot.Tests.Support;

/// <summary>
/// Synthesizes small kernels: an ELF32 i386 executable (52-byte header, 32-byte program headers, then each
/// segment's bytes) whose first segment starts with a multiboot header, or a raw a.out-kludge image.
/// </summary>
internal sealed class KernelBuilder
{
    public const uint Magic = 0x1BADB002;
    public const int ElfHeaderSize = 52;
    public const int ProgramHeaderSize = 32;

    public sealed record Segment(uint VirtualAddress, uint PhysicalAddress, byte[] Data, uint MemorySize, uint Type = 1);

    public List<Segment> Segments { get; } = [];

    public uint Entry { get; set; }

    public byte ElfClass { get; set; } = 1;

    public ushort Machine { get; set; } = 3;

    public uint MultibootFlags { get; set; } = 0x3;

    /// <summary>Set to break the checksum.</summary>
    public uint ChecksumAdjust { get; set; }

    /// <summary>Where the multiboot header goes inside the first segment's data.</summary>
    public int HeaderOffsetInSegment { get; set; }

    /// <summary>The 12-byte header (magic, flags, checksum) for <paramref name="flags"/>.</summary>
    public static byte[] Header(uint flags, uint checksumAdjust = 0, params uint[] addressFields)
    {
        var header = new byte[12 + 4 * addressFields.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), unchecked(0u - Magic - flags + checksumAdjust));
        for (var i = 0; i < addressFields.Length; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12 + 4 * i), addressFields[i]);
        return header;
    }

    /// <summary>A typical kernel: code at 1 MiB (the header, then a pattern), bss after it.</summary>
    public static KernelBuilder Typical()
    {
        var text = new byte[0x300];
        for (var i = 12; i < text.Length; i++)
            text[i] = (byte)(i * 7);
        var builder = new KernelBuilder { Entry = 0x100010 };
        builder.Segments.Add(new Segment(0x100000, 0x100000, text, (uint)text.Length));
        builder.Segments.Add(new Segment(0x101000, 0x101000, [1, 2, 3, 4], 0x2000));
        return builder;
    }

    public byte[] Build()
    {
        var phoff = ElfHeaderSize;
        var dataStart = phoff + ProgramHeaderSize * Segments.Count;
        var size = dataStart + Segments.Sum(s => s.Data.Length);
        var image = new byte[size];
        var span = image.AsSpan();
        span[0] = 0x7F;
        span[1] = (byte)'E';
        span[2] = (byte)'L';
        span[3] = (byte)'F';
        span[4] = ElfClass;
        span[5] = 1;
        span[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(span[16..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(span[18..], Machine);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], Entry);
        BinaryPrimitives.WriteUInt32LittleEndian(span[28..], (uint)phoff);
        BinaryPrimitives.WriteUInt16LittleEndian(span[40..], ElfHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[42..], ProgramHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[44..], (ushort)Segments.Count);

        var offset = dataStart;
        for (var i = 0; i < Segments.Count; i++)
        {
            var segment = Segments[i];
            var ph = span.Slice(phoff + i * ProgramHeaderSize, ProgramHeaderSize);
            BinaryPrimitives.WriteUInt32LittleEndian(ph, segment.Type);
            BinaryPrimitives.WriteUInt32LittleEndian(ph[4..], (uint)offset);
            BinaryPrimitives.WriteUInt32LittleEndian(ph[8..], segment.VirtualAddress);
            BinaryPrimitives.WriteUInt32LittleEndian(ph[12..], segment.PhysicalAddress);
            BinaryPrimitives.WriteUInt32LittleEndian(ph[16..], (uint)segment.Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(ph[20..], segment.MemorySize);
            segment.Data.CopyTo(span[offset..]);
            if (i == 0)
                Header(MultibootFlags, ChecksumAdjust).CopyTo(span[(offset + HeaderOffsetInSegment)..]);
            offset += segment.Data.Length;
        }
        return image;
    }

    /// <summary>
    /// A flat a.out-kludge image: <paramref name="prefix"/> bytes of padding, the 32-byte header with flag 16 and
    /// the address fields, then <paramref name="body"/>.
    /// </summary>
    public static byte[] Aout(uint headerAddress, uint loadAddress, uint loadEnd, uint bssEnd, uint entry, byte[] body, int prefix = 0, uint flags = 0x10000)
    {
        var header = Header(flags, 0, headerAddress, loadAddress, loadEnd, bssEnd, entry);
        return [.. new byte[prefix], .. header, .. body];
    }
}
