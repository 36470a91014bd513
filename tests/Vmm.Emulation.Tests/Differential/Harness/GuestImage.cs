using System.Buffers.Binary;
using Iced.Intel;
using Vmm.Core.Memory;

namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>Puts a guest into RAM: its assembled code blocks, its data, a flat GDT and identity page tables.</summary>
internal static class GuestImage
{
    // Page table entry bits, Intel SDM Vol. 3A 4.5: accessed and dirty preset so that the walk writes nothing.
    private const ulong Present = 1, Writable = 2, Accessed = 0x20, Dirty = 0x40, LargePage = 0x80;

    // Flat descriptors, Intel SDM Vol. 3A 3.4.5: base 0, limit 0xFFFFF in 4 KiB units, accessed bit set.
    private const ulong Code32Descriptor = 0x00CF_9B00_0000_FFFF;
    private const ulong DataDescriptor = 0x00CF_9300_0000_FFFF;
    private const ulong Code64Descriptor = 0x00AF_9B00_0000_FFFF;
    private const ulong BasedDataDescriptor = 0x0040_9300_0000_FFFF | (GuestLayout.DataAddress << 16);

    public static void Load(GuestProgram program, GuestMemory memory)
    {
        WriteGdt(memory);
        WritePageTables(memory);
        foreach (var data in program.Data)
            Write(memory, data.Address, data.Bytes);

        var sites = new ReportSites();
        var placed = new List<(ulong Start, ulong End)>();
        foreach (var block in program.Blocks)
        {
            byte[] code = Assemble(block, sites);
            ulong end = block.Address + (ulong)code.Length;
            if (block.Address < GuestLayout.CodeAddress || end > GuestLayout.DataAddress)
                throw new InvalidOperationException($"{program.Name}: code at 0x{block.Address:x}-0x{end:x} is outside 0x{GuestLayout.CodeAddress:x}-0x{GuestLayout.DataAddress:x}");
            foreach (var (start, stop) in placed)
            {
                if (block.Address < stop && start < end)
                    throw new InvalidOperationException($"{program.Name}: code at 0x{block.Address:x}-0x{end:x} overlaps code at 0x{start:x}-0x{stop:x}");
            }

            placed.Add((block.Address, end));
            Write(memory, block.Address, code);
        }
    }

    private static byte[] Assemble(CodeBlock block, ReportSites sites)
    {
        var assembler = new Assembler(block.Bitness);
        assembler.UseSites(sites);
        block.Emit(assembler);
        var writer = new ByteListCodeWriter();
        assembler.Assemble(writer, block.Address);
        return [.. writer.Bytes];
    }

    private static void WriteGdt(GuestMemory memory)
    {
        ulong[] descriptors = [0, Code32Descriptor, DataDescriptor, Code64Descriptor, BasedDataDescriptor];
        var gdt = new byte[descriptors.Length * 8];
        for (int i = 0; i < descriptors.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(gdt.AsSpan(i * 8), descriptors[i]);
        Write(memory, GuestLayout.GdtAddress, gdt);

        var gdtr = new byte[6];
        BinaryPrimitives.WriteUInt16LittleEndian(gdtr, (ushort)(gdt.Length - 1));
        BinaryPrimitives.WriteUInt32LittleEndian(gdtr.AsSpan(2), (uint)GuestLayout.GdtAddress);
        Write(memory, GuestLayout.GdtrAddress, gdtr);
    }

    /// <summary>PML4[0] -> PDPT, PDPT[0..3] -> four page directories of 2 MiB pages: 0-4 GiB maps to itself.</summary>
    private static void WritePageTables(GuestMemory memory)
    {
        const ulong page = 0x1000, table = Present | Writable | Accessed;
        ulong pdpt = GuestLayout.Pml4Address + page;
        ulong firstDirectory = pdpt + page;
        Entry(memory, GuestLayout.Pml4Address, 0, pdpt | table);
        for (ulong gib = 0; gib < 4; gib++)
        {
            ulong directory = firstDirectory + gib * page;
            Entry(memory, pdpt, gib, directory | table);
            for (ulong i = 0; i < 512; i++)
                Entry(memory, directory, i, ((gib << 30) + (i << 21)) | table | Dirty | LargePage);
        }
    }

    private static void Entry(GuestMemory memory, ulong table, ulong index, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        Write(memory, table + index * 8, bytes);
    }

    private static void Write(GuestMemory memory, ulong address, ReadOnlySpan<byte> bytes)
    {
        if (!memory.TryWrite(address, bytes))
            throw new InvalidOperationException($"0x{address:x}+{bytes.Length} is outside the guest's RAM");
    }
}
