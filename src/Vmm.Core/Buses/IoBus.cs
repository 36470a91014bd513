using Vmm.Sdk;

namespace Vmm.Core.Buses;

/// <summary>
/// The x86 port space. It has only 64 Ki ports, so lookup is one load from a flat table indexed by port
/// (as Bochs does) instead of a search.
/// </summary>
public sealed class IoBus
{
    private const int PortCount = 0x10000;

    // 0 = unclaimed; n = _entries[n - 1]. ushort keeps the table at 128 KiB.
    private readonly ushort[] _map = new ushort[PortCount];
    private BusEntry[] _entries = [];

    public IReadOnlyList<BusEntry> Entries => _entries;

    /// <summary>Claims <paramref name="range"/> for <paramref name="slot"/>; an overlap names both devices.</summary>
    public void Register(DeviceSlot slot, int rangeIndex, DeviceRange range)
    {
        if (range.Space != AddressSpace.Port || range.Length == 0 || range.Last >= PortCount)
            throw new ConfigurationException($"\"{slot.Name}\" ({slot.Type}): {range} is not a valid port range");
        for (var port = range.Base; port <= range.Last; port++)
        {
            var existing = _map[port];
            if (existing != 0)
            {
                throw new ConfigurationException(
                    $"\"{slot.Name}\" ({slot.Type}) {range} overlaps {_entries[existing - 1].Describe()}; pick another port");
            }
        }
        if (_entries.Length == ushort.MaxValue)
            throw new ConfigurationException($"\"{slot.Name}\": too many port ranges");
        _entries = [.. _entries, new BusEntry(slot, rangeIndex, range)];
        var index = (ushort)_entries.Length;
        for (var port = range.Base; port <= range.Last; port++)
            _map[port] = index;
    }

    /// <summary>The entry claiming <paramref name="port"/>, or null.</summary>
    public BusEntry? Find(ushort port)
    {
        var index = _map[port];
        return index == 0 ? null : _entries[index - 1];
    }

    /// <summary>Reads from the owner of <paramref name="port"/>; false if nobody (working) claims it.</summary>
    public bool Read(ushort port, int vcpuId, Span<byte> data)
    {
        var index = _map[port];
        return index != 0 && _entries[index - 1].Read(port, vcpuId, data);
    }

    /// <summary>Writes to the owner of <paramref name="port"/>; false if nobody (working) claims it.</summary>
    public bool Write(ushort port, int vcpuId, ReadOnlySpan<byte> data)
    {
        var index = _map[port];
        return index != 0 && _entries[index - 1].Write(port, vcpuId, data);
    }
}
