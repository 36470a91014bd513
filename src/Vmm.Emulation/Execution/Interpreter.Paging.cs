namespace Vmm.Emulation.Execution;

/// <summary>
/// Linear-to-physical translation: none with CR0.PG clear, else the 32-bit (4 KiB and, with CR4.PSE,
/// 4 MiB pages), PAE (4 KiB and 2 MiB) or 4-level (4 KiB, 2 MiB, 1 GiB) walk of Intel SDM Vol. 3A chapter 4.
/// The walk sets accessed and dirty bits as the hardware does, checks R/W (with CR0.WP) and NX (with
/// EFER.NXE), and raises #PF with CR2 and the error code. Every translation, of any page size, is cached as
/// a 4 KiB TLB entry; MOV to CR0/CR3/CR4, INVLPG, WRMSR EFER and mode changes flush the whole TLB.
/// </summary>
/// <remarks>
/// Not modelled: user/supervisor checks (the guest runs at CPL 0), reserved-bit checks, global pages
/// (CR4.PGE is accepted, and a CR3 write flushes global entries too), PCIDs, and PAE's PDPTE registers
/// (the four PDPTEs are read at walk time rather than at the CR3 load).
/// </remarks>
internal sealed unsafe partial class Interpreter
{
    private const ulong PtePresent = 1ul << 0;
    private const ulong PteWritable = 1ul << 1;
    private const ulong PteAccessed = 1ul << 5;
    private const ulong PteDirty = 1ul << 6;
    private const ulong PteLarge = 1ul << 7;
    private const ulong PteNoExecute = 1ul << 63;
    private const ulong PteAddress = 0x000F_FFFF_FFFF_F000;

    private const uint PageFaultPresent = 1u << 0;
    private const uint PageFaultWrite = 1u << 1;
    private const uint PageFaultFetch = 1u << 4;

    /// <summary>The TLB entry translating <paramref name="linear"/> for <paramref name="access"/>, walking on a miss.</summary>
    private ref TlbEntry Translate(ulong linear, Access access)
    {
        ulong page = linear >> 12;
        ref TlbEntry entry = ref TlbSlot(page);
        if (entry.Tag == page && (access == Access.Read || (access == Access.Write ? entry.Writable : entry.Executable)))
            return ref entry;
        Fill(ref entry, linear, access);
        return ref entry;
    }

    private void Fill(ref TlbEntry entry, ulong linear, Access access)
    {
        RefreshRam();
        ulong physical;
        bool writable = true, executable = true;
        if ((_cr0 & ControlBits.Cr0Pg) == 0)
        {
            physical = linear & 0xFFFF_FFFF;
        }
        else
        {
            if ((_efer & ControlBits.EferLma) != 0 && ((long)linear << 16 >> 16) != (long)linear)
                throw new GuestFault(ExceptionVector.GeneralProtection, 0, $"non-canonical address 0x{linear:x}");
            physical = Walk(linear, access, out writable, out executable);
        }

        ulong page = linear >> 12;
        ulong physicalPage = physical >> 12;
        entry.Tag = page;
        entry.PhysicalPage = physicalPage;
        entry.Writable = writable;
        entry.Executable = executable;
        entry.Host = HostPage(physicalPage);
        entry.ReadTag = entry.Host != 0 ? page : TlbEntry.Invalid;
        entry.WriteTag = entry.Host != 0 && writable && !_codePages.Contains(physicalPage) ? page : TlbEntry.Invalid;
    }

    private void FlushTlb()
    {
        foreach (ref TlbEntry entry in _tlb.AsSpan())
            entry.Clear();
        _epoch++;
    }

    /// <summary>Drops the write fast path of every entry mapping <paramref name="physicalPage"/>, which now holds decoded code.</summary>
    private void ProtectCodePage(ulong physicalPage)
    {
        foreach (ref TlbEntry entry in _tlb.AsSpan())
        {
            if (entry.Tag != TlbEntry.Invalid && entry.PhysicalPage == physicalPage)
                entry.WriteTag = TlbEntry.Invalid;
        }
    }

    private ulong Walk(ulong linear, Access access, out bool writable, out bool executable)
    {
        bool longMode = (_efer & ControlBits.EferLma) != 0;
        bool pae = (_cr4 & ControlBits.Cr4Pae) != 0;
        bool noExecuteEnabled = (_efer & ControlBits.EferNxe) != 0 && (longMode || pae);
        bool write = access == Access.Write;

        int entrySize, level, bitsPerLevel;
        ulong table;
        if (longMode)
        {
            (entrySize, level, bitsPerLevel, table) = (8, 3, 9, _cr3 & PteAddress);
        }
        else if (pae)
        {
            (entrySize, level, bitsPerLevel, table) = (8, 2, 9, _cr3 & 0xFFFF_FFE0);
        }
        else
        {
            (entrySize, level, bitsPerLevel, table) = (4, 1, 10, _cr3 & 0xFFFF_F000);
        }

        bool rw = true, noExecute = false;
        while (true)
        {
            int shift = 12 + bitsPerLevel * level;
            ulong indexMask = (pae && !longMode && level == 2) ? 3ul : (1ul << bitsPerLevel) - 1;
            ulong entryAddress = table + ((linear >> shift) & indexMask) * (ulong)entrySize;
            ulong entry = ReadTableEntry(entryAddress, entrySize);
            if ((entry & PtePresent) == 0)
                throw PageFault(linear, access, present: false);

            // A PAE PDPTE has no R/W or NX bit (SDM 4.4.1): only the directories below it restrict access.
            bool paePointer = pae && !longMode && level == 2;
            if (!paePointer)
            {
                rw &= (entry & PteWritable) != 0;
                noExecute |= noExecuteEnabled && (entry & PteNoExecute) != 0;
            }

            bool largeAllowed = longMode ? level is 1 or 2 : pae ? level == 1 : level == 1 && (_cr4 & ControlBits.Cr4Pse) != 0;
            bool leaf = level == 0 || (largeAllowed && (entry & PteLarge) != 0);
            if (leaf)
            {
                bool mayWrite = rw || (_cr0 & ControlBits.Cr0Wp) == 0;
                if (write && !mayWrite)
                    throw PageFault(linear, access, present: true);
                if (access == Access.Execute && noExecute)
                    throw PageFault(linear, access, present: true);

                ulong updated = entry | PteAccessed | (write ? PteDirty : 0);
                if (updated != entry && !paePointer)
                    WriteTableEntry(entryAddress, entrySize, updated);
                writable = mayWrite && (updated & PteDirty) != 0;
                executable = !noExecute;
                ulong pageSize = 1ul << shift;
                ulong frame = entrySize == 4 ? entry & 0xFFFF_F000 : entry & PteAddress;
                return (frame & ~(pageSize - 1)) | (linear & (pageSize - 1));
            }

            if (!paePointer && (entry & PteAccessed) == 0)
                WriteTableEntry(entryAddress, entrySize, entry | PteAccessed);
            table = entrySize == 4 ? entry & 0xFFFF_F000 : entry & PteAddress;
            level--;
        }
    }

    private GuestFault PageFault(ulong linear, Access access, bool present)
    {
        _cr2 = linear;
        uint code = (present ? PageFaultPresent : 0) | (access == Access.Write ? PageFaultWrite : 0)
            | (access == Access.Execute && (_efer & ControlBits.EferNxe) != 0 ? PageFaultFetch : 0);
        string what = access switch { Access.Write => "write to", Access.Execute => "instruction fetch from", _ => "read from" };
        return new GuestFault(ExceptionVector.PageFault, code,
            $"{what} linear 0x{linear:x}: {(present ? "protection violation" : "page not present")}");
    }

    private ulong ReadTableEntry(ulong physical, int size)
    {
        nint host = HostPage(physical >> 12);
        if (host == 0)
            throw new EmulationLimit($"the page walk read a table entry at guest-physical 0x{physical:x}, which is not RAM");
        byte* p = (byte*)host + (physical & PageMask);
        return size == 8 ? *(ulong*)p : *(uint*)p;
    }

    private void WriteTableEntry(ulong physical, int size, ulong value)
    {
        byte* p = (byte*)HostPage(physical >> 12) + (physical & PageMask);
        if (size == 8)
            *(ulong*)p = value;
        else
            *(uint*)p = (uint)value;
    }
}
