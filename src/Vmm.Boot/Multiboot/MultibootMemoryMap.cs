using Vmm.Core.Memory;

namespace Vmm.Boot.Multiboot;

/// <summary>
/// The memory facts multiboot passes (3.3 "Boot information format": mem_lower, mem_upper and the
/// mmap_* buffer), derived from the VM's RAM the way a PC's BIOS reports it through e820: RAM below
/// 640 KiB, the legacy VGA/BIOS hole up to 1 MiB reserved, RAM from 1 MiB, RAM above 4 GiB, and the pages
/// KVM reserves below the BIOS (QEMU's target/i386/kvm reports them reserved too).
/// </summary>
internal static class MultibootMemoryMap
{
    public const uint Available = 1;
    public const uint Reserved = 2;

    public const ulong LowMemoryEnd = 0xA_0000;
    public const ulong HighMemoryStart = 0x10_0000;

    /// <summary>The identity-map page and TSS pages KVM needs (see Vmm.Kvm's KvmVirtualMachine), never RAM.</summary>
    public const ulong KvmReservedStart = 0xFFFB_C000;
    public const ulong KvmReservedEnd = 0xFFFC_0000;

    public readonly record struct Entry(ulong Base, ulong Length, uint Type);

    public static List<Entry> Build(GuestMemory memory)
    {
        var entries = new List<Entry>();
        var hasLow = false;
        foreach (var region in memory.Regions)
        {
            if (region.GuestAddress < LowMemoryEnd)
            {
                entries.Add(new Entry(region.GuestAddress, Math.Min(region.End, LowMemoryEnd) - region.GuestAddress, Available));
                hasLow = true;
            }
            if (region.End > HighMemoryStart)
            {
                var start = Math.Max(region.GuestAddress, HighMemoryStart);
                entries.Add(new Entry(start, region.End - start, Available));
            }
        }
        if (hasLow)
            entries.Add(new Entry(LowMemoryEnd, HighMemoryStart - LowMemoryEnd, Reserved));
        entries.Add(new Entry(KvmReservedStart, KvmReservedEnd - KvmReservedStart, Reserved));
        entries.Sort(static (a, b) => a.Base.CompareTo(b.Base));
        return entries;
    }

    /// <summary>mem_lower: KiB of RAM from address 0, at most 640.</summary>
    public static uint LowerKiB(GuestMemory memory)
    {
        foreach (var region in memory.Regions)
        {
            if (region.GuestAddress == 0)
                return (uint)(Math.Min(region.End, LowMemoryEnd) / 1024);
        }
        return 0;
    }

    /// <summary>mem_upper: KiB of RAM from 1 MiB up to the first hole.</summary>
    public static uint UpperKiB(GuestMemory memory)
    {
        foreach (var region in memory.Regions)
        {
            if (region.GuestAddress <= HighMemoryStart && region.End > HighMemoryStart)
                return (uint)Math.Min((region.End - HighMemoryStart) / 1024, uint.MaxValue);
        }
        return 0;
    }
}
