using System.Buffers.Binary;

namespace Vmm.Core.Memory;

/// <summary>
/// Page tables for a guest entered directly in 64-bit mode: the low 4 GiB identity-mapped with 2 MiB pages, placed
/// at the top of the first RAM region, so RAM and the usual MMIO window below 4 GiB are reachable at their
/// physical addresses. Loaders of 64-bit flat images and the test kit's guests share them.
/// </summary>
public static class IdentityPageTables
{
    private const ulong PageSize = 4096;
    private const ulong LargePageSize = 2UL << 20;
    private const int EntriesPerTable = 512;
    private const int PageDirectories = 4; // one per GiB of the low 4 GiB

    // Page table entry bits, Intel SDM Vol. 3A 4.5 "4-Level Paging": present, writable, page size (2 MiB in a PDE).
    private const ulong Present = 1UL << 0;
    private const ulong Writable = 1UL << 1;
    private const ulong LargePage = 1UL << 7;

    /// <summary>Bytes the tables take: PML4, PDPT and four page directories.</summary>
    public const ulong Size = (2 + PageDirectories) * PageSize;

    /// <summary>
    /// Writes the tables at the top of the first RAM region and returns the PML4's guest-physical address (CR3).
    /// </summary>
    /// <param name="memory">Guest RAM.</param>
    /// <param name="programStart">First byte of the program the tables must not overwrite.</param>
    /// <param name="programEnd">One past the program's last byte.</param>
    /// <exception cref="ArgumentOutOfRangeException">RAM is too small, or the program lies where the tables go; the message says which.</exception>
    public static ulong Build(GuestMemory memory, ulong programStart, ulong programEnd)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var region = memory.Regions[0];
        if (region.Size < Size)
            throw new ArgumentOutOfRangeException(nameof(memory), $"a 64-bit guest needs {Size} bytes of RAM for its page tables; the VM has {region.Size}");
        var pml4 = (region.End - Size) & ~(PageSize - 1);
        if (programStart < pml4 + Size && pml4 < programEnd)
            throw new ArgumentOutOfRangeException(nameof(programStart),
                $"the program (0x{programStart:x}-0x{programEnd - 1:x}) overlaps the page tables at the top of RAM (0x{pml4:x}-0x{pml4 + Size - 1:x}); load it lower or give the VM more memory");

        var pdpt = pml4 + PageSize;
        var tables = memory.GetSpan(pml4, (int)Size);
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
