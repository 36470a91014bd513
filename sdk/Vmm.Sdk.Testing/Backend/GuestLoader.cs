using System.Buffers.Binary;
using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;

namespace Vmm.Sdk.Testing.Backend;

/// <summary>
/// Places a test guest program in RAM and says how vCPU 0 starts, for each <see cref="CpuMode"/>. For
/// <see cref="CpuMode.Long64"/> it also builds page tables identity-mapping the low 4 GiB with 2 MiB pages, at the
/// top of the first RAM region, so RAM and the usual MMIO window are reachable at their physical addresses.
/// </summary>
internal static class GuestLoader
{
    private const ulong PageSize = 4096;
    private const ulong OneMiB = 0x10_0000;
    private const ulong FourGiB = 0x1_0000_0000;
    private const ulong LargePageSize = 2UL << 20;
    private const int EntriesPerTable = 512;
    private const int PageDirectories = 4; // one per GiB of the low 4 GiB

    // Page table entry bits, Intel SDM Vol. 3A 4.5 "4-Level Paging": present, writable, page size (2 MiB in a PDE).
    private const ulong Present = 1UL << 0;
    private const ulong Writable = 1UL << 1;
    private const ulong LargePage = 1UL << 7;

    /// <summary>Bytes of page tables a <see cref="CpuMode.Long64"/> guest needs: PML4, PDPT and four page directories.</summary>
    public const ulong PageTableBytes = (2 + PageDirectories) * PageSize;

    public static VcpuBootState Load(GuestMemory memory, ReadOnlySpan<byte> program, CpuMode mode, ulong loadAddress)
    {
        if (program.IsEmpty)
            throw new ArgumentException("the guest program is empty", nameof(program));
        var end = loadAddress + (ulong)program.Length;
        switch (mode)
        {
            case CpuMode.Real when end > OneMiB:
                throw new ArgumentOutOfRangeException(nameof(loadAddress), $"a real-mode program must lie below 1 MiB; {program.Length} bytes at 0x{loadAddress:x} end at 0x{end:x}");
            case CpuMode.Protected32 when end > FourGiB:
                throw new ArgumentOutOfRangeException(nameof(loadAddress), $"a 32-bit program must lie below 4 GiB; {program.Length} bytes at 0x{loadAddress:x} end at 0x{end:x}");
        }
        if (!memory.TryWrite(loadAddress, program))
            throw new ArgumentOutOfRangeException(nameof(loadAddress),
                $"{program.Length} bytes at 0x{loadAddress:x} do not fit in guest RAM ({memory.Size} bytes); load the program lower or give the VM more memory (TestVmBuilder.WithMemory)");

        return mode switch
        {
            // As a boot sector: CS = entry >> 4 & 0xF000, and a stack just below the program in the same segment.
            CpuMode.Real => new VcpuBootState(mode, loadAddress) { StackPointer = loadAddress & 0xFFFF },
            CpuMode.Protected32 => new VcpuBootState(mode, loadAddress) { StackPointer = loadAddress },
            CpuMode.Long64 => new VcpuBootState(mode, loadAddress)
            {
                StackPointer = loadAddress,
                PageTableRoot = BuildIdentityPageTables(memory, loadAddress, end),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown CPU mode"),
        };
    }

    private static ulong BuildIdentityPageTables(GuestMemory memory, ulong programStart, ulong programEnd)
    {
        var region = memory.Regions[0];
        if (region.Size < PageTableBytes)
            throw new ArgumentOutOfRangeException(nameof(memory), $"a 64-bit guest needs {PageTableBytes} bytes of RAM for its page tables; the VM has {region.Size}");
        var pml4 = (region.End - PageTableBytes) & ~(PageSize - 1);
        if (programStart < pml4 + PageTableBytes && pml4 < programEnd)
            throw new ArgumentOutOfRangeException(nameof(programStart),
                $"the program (0x{programStart:x}-0x{programEnd - 1:x}) overlaps the page tables the kit puts at the top of RAM (0x{pml4:x}-0x{pml4 + PageTableBytes - 1:x}); load it lower or give the VM more memory");

        var pdpt = pml4 + PageSize;
        var tables = memory.GetSpan(pml4, (int)PageTableBytes);
        tables.Clear();
        WriteEntry(tables, 0, pdpt | Present | Writable);
        for (var directory = 0; directory < PageDirectories; directory++)
        {
            var pd = pdpt + PageSize * (ulong)(directory + 1);
            WriteEntry(tables, (int)PageSize + directory * sizeof(ulong), pd | Present | Writable);
            for (var entry = 0; entry < EntriesPerTable; entry++)
            {
                var physical = ((ulong)directory * EntriesPerTable + (ulong)entry) * LargePageSize;
                WriteEntry(tables, (int)(pd - pml4) + entry * sizeof(ulong), physical | Present | Writable | LargePage);
            }
        }
        return pml4;
    }

    private static void WriteEntry(Span<byte> tables, int offset, ulong value) =>
        BinaryPrimitives.WriteUInt64LittleEndian(tables[offset..], value);
}
