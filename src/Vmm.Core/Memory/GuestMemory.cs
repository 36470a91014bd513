using Vmm.Sdk;

namespace Vmm.Core.Memory;

/// <summary>
/// All of a VM's RAM regions behind one bounds-checked <see cref="IGuestMemory"/>. An access must lie
/// inside one region; addresses from the guest are checked for overflow before any pointer is formed.
/// </summary>
public sealed class GuestMemory : IGuestMemory
{
    private GuestMemoryRegion[] _regions = [];

    public IReadOnlyList<GuestMemoryRegion> Regions => _regions;

    public ulong Size { get; private set; }

    /// <summary>Adds a region; regions must not overlap.</summary>
    public void Add(GuestMemoryRegion region)
    {
        foreach (var existing in _regions)
        {
            if (region.GuestAddress < existing.End && existing.GuestAddress < region.End)
                throw new VmmException($"RAM at 0x{region.GuestAddress:x}-0x{region.End - 1:x} overlaps RAM at 0x{existing.GuestAddress:x}-0x{existing.End - 1:x}");
        }
        _regions = [.. _regions, region];
        Array.Sort(_regions, static (a, b) => a.GuestAddress.CompareTo(b.GuestAddress));
        Size += region.Size;
    }

    /// <summary>True if <paramref name="length"/> bytes at <paramref name="address"/> are all RAM of one region.</summary>
    public bool IsRam(ulong address, ulong length) => Find(address, length) is not null;

    public bool TryRead(ulong address, Span<byte> destination)
    {
        var region = Find(address, (ulong)destination.Length);
        if (region is null)
            return false;
        region.Slice(address, destination.Length).CopyTo(destination);
        return true;
    }

    public bool TryWrite(ulong address, ReadOnlySpan<byte> source)
    {
        var region = Find(address, (ulong)source.Length);
        if (region is null)
            return false;
        source.CopyTo(region.Slice(address, source.Length));
        return true;
    }

    public Span<byte> GetSpan(ulong address, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var region = Find(address, (ulong)length)
            ?? throw new ArgumentOutOfRangeException(nameof(address), $"guest memory 0x{address:x}+{length} is not inside RAM");
        return region.Slice(address, length);
    }

    private GuestMemoryRegion? Find(ulong address, ulong length)
    {
        foreach (var region in _regions)
        {
            if (region.Contains(address, length))
                return region;
        }
        return null;
    }
}
