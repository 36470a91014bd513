using System.Buffers.Binary;

namespace Vmm.Boot.Multiboot;

/// <summary>
/// Reads the PT_LOAD segments of an ELF32 i386 executable (System V ABI, "ELF Header" and "Program Header"),
/// as multiboot 3.1 asks of a loader when the header's flag 16 is clear: each segment goes to its physical
/// address (p_paddr), with zeros from p_filesz to p_memsz.
/// </summary>
internal static class Elf32Layout
{
    private const int HeaderSize = 52;
    private const int ProgramHeaderSize = 32;
    private const byte ClassElf32 = 1;
    private const byte DataLittleEndian = 1;
    private const ushort MachineI386 = 3;
    private const uint TypeLoad = 1;

    /// <summary>The largest program header table read; real kernels have a handful of entries.</summary>
    private const int MaxProgramHeaders = 256;

    public static bool IsElf(ReadOnlySpan<byte> image) =>
        image.Length >= 4 && image[0] == 0x7F && image[1] == (byte)'E' && image[2] == (byte)'L' && image[3] == (byte)'F';

    public static KernelLayout Read(string name, ReadOnlySpan<byte> image)
    {
        if (!IsElf(image))
            throw new BootImageException($"{name}: not an ELF file, and its multiboot header has no address fields (flag 16) saying where to load it");
        if (image.Length < HeaderSize)
            throw new BootImageException($"{name}: truncated ELF header ({image.Length} of {HeaderSize} bytes)");
        if (image[4] != ClassElf32)
            throw new BootImageException($"{name}: unsupported ELF class {image[4]} ({(image[4] == 2 ? "ELF64" : "unknown")}); multiboot loads ELF32 kernels, or any image whose header sets flag 16 with address fields");
        if (image[5] != DataLittleEndian)
            throw new BootImageException($"{name}: unsupported ELF data encoding {image[5]}; an i386 kernel is little-endian (1)");
        var machine = BinaryPrimitives.ReadUInt16LittleEndian(image[18..]);
        if (machine != MachineI386)
            throw new BootImageException($"{name}: unsupported ELF machine {machine}; multiboot kernels are i386 (EM_386 = 3)");

        var entry = BinaryPrimitives.ReadUInt32LittleEndian(image[24..]);
        var tableOffset = BinaryPrimitives.ReadUInt32LittleEndian(image[28..]);
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(image[42..]);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(image[44..]);
        if (count == 0)
            throw new BootImageException($"{name}: the ELF file has no program headers, so nothing to load");
        if (count > MaxProgramHeaders)
            throw new BootImageException($"{name}: the ELF file claims {count} program headers; at most {MaxProgramHeaders} are read");
        if (entrySize < ProgramHeaderSize)
            throw new BootImageException($"{name}: ELF program header size {entrySize} is smaller than {ProgramHeaderSize}");
        var tableEnd = (ulong)tableOffset + (ulong)count * entrySize;
        if (tableEnd > (ulong)image.Length)
            throw new BootImageException($"{name}: truncated ELF program header table (needs bytes 0x{tableOffset:x}-0x{tableEnd - 1:x}, the file has {image.Length})");

        var segments = new List<LoadSegment>();
        var virtualStarts = new List<uint>();
        for (var i = 0; i < count; i++)
        {
            var header = image.Slice((int)tableOffset + i * entrySize, ProgramHeaderSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != TypeLoad)
                continue;
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            var virtualAddress = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            var physicalAddress = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
            var fileSize = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
            var memorySize = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
            if (fileSize > memorySize)
                throw new BootImageException($"{name}: ELF segment {i} has p_filesz 0x{fileSize:x} larger than p_memsz 0x{memorySize:x}");
            if ((ulong)offset + fileSize > (ulong)image.Length)
                throw new BootImageException($"{name}: truncated ELF segment {i} (needs file bytes 0x{offset:x}-0x{(ulong)offset + fileSize - 1:x}, the file has {image.Length})");
            if ((ulong)physicalAddress + memorySize > 1UL << 32)
                throw new BootImageException($"{name}: ELF segment {i} at 0x{physicalAddress:x} (0x{memorySize:x} bytes) runs past 4 GiB");
            if (memorySize == 0)
                continue;
            segments.Add(new LoadSegment((int)offset, fileSize, physicalAddress, memorySize));
            virtualStarts.Add(virtualAddress);
        }
        if (segments.Count == 0)
            throw new BootImageException($"{name}: the ELF file has no PT_LOAD segment with contents");

        // e_entry is virtual; a kernel linked high but loaded low (p_vaddr != p_paddr) enters at the physical
        // address of the same byte, as GRUB does.
        for (var i = 0; i < segments.Count; i++)
        {
            var start = virtualStarts[i];
            if (entry >= start && entry - start < segments[i].MemorySize)
                return new KernelLayout(segments, (uint)(segments[i].Address + (entry - start)));
        }
        throw new BootImageException($"{name}: ELF entry point 0x{entry:x} is outside the loaded segments");
    }
}
