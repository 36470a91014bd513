using Vmm.Sdk;

namespace Vmm.Core.Buses;

/// <summary>
/// Guest-physical space outside RAM: sorted, non-overlapping ranges found by binary search.
/// </summary>
public sealed class MmioBus
{
    private BusEntry[] _entries = [];

    public IReadOnlyList<BusEntry> Entries => _entries;

    /// <summary>Claims <paramref name="range"/> for <paramref name="slot"/>; an overlap names both devices.</summary>
    public void Register(DeviceSlot slot, int rangeIndex, DeviceRange range)
    {
        if (range.Space != AddressSpace.Mmio || range.Length == 0 || range.Last < range.Base)
            throw new ConfigurationException($"\"{slot.Name}\" ({slot.Type}): {range} is not a valid MMIO range");
        foreach (var existing in _entries)
        {
            if (range.Base <= existing.Range.Last && existing.Range.Base <= range.Last)
                throw new ConfigurationException($"\"{slot.Name}\" ({slot.Type}) {range} overlaps {existing.Describe()}; pick another address");
        }
        var entries = new BusEntry[_entries.Length + 1];
        _entries.CopyTo(entries, 0);
        entries[^1] = new BusEntry(slot, rangeIndex, range);
        Array.Sort(entries, static (a, b) => a.Range.Base.CompareTo(b.Range.Base));
        _entries = entries;
    }

    /// <summary>The entry whose range holds <paramref name="address"/>, or null.</summary>
    public BusEntry? Find(ulong address)
    {
        var entries = _entries;
        int low = 0, high = entries.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var range = entries[middle].Range;
            if (address < range.Base)
                high = middle - 1;
            else if (address > range.Last)
                low = middle + 1;
            else
                return entries[middle];
        }
        return null;
    }

    public bool Read(ulong address, int vcpuId, Span<byte> data) =>
        Find(address)?.Read(address, vcpuId, data) ?? false;

    public bool Write(ulong address, int vcpuId, ReadOnlySpan<byte> data) =>
        Find(address)?.Write(address, vcpuId, data) ?? false;
}
