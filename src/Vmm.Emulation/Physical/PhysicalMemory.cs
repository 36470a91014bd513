using System.Runtime.InteropServices;
using Vmm.Core.Memory;

namespace Vmm.Emulation.Physical;

/// <summary>
/// A VM's RAM: zeroed, page-aligned native blocks, one per region, freed when the VM is disposed and no
/// vCPU is inside <c>Run</c> any more (a vCPU holds a use for the length of a run, so disposing the VM
/// from another thread never frees memory under a running interpreter).
/// </summary>
internal sealed unsafe class PhysicalMemory : IDisposable
{
    public const ulong PageSize = 4096;

    private readonly object _lock = new();
    private GuestMemoryRegion[] _regions = [];
    private int _version;
    private int _users;
    private bool _disposed;

    /// <summary>The regions, sorted by address; replaced (never changed in place) when one is added.</summary>
    public GuestMemoryRegion[] Regions => Volatile.Read(ref _regions);

    /// <summary>Changes whenever a region is added, so interpreters know to drop what they cached about the map.</summary>
    public int Version => Volatile.Read(ref _version);

    /// <exception cref="ArgumentException">Not page-aligned, empty, wrapping, or overlapping other RAM.</exception>
    public GuestMemoryRegion Add(ulong guestAddress, ulong size)
    {
        if (guestAddress % PageSize != 0 || size % PageSize != 0)
            throw new ArgumentException($"guest RAM at 0x{guestAddress:x} size 0x{size:x} must be {PageSize}-byte aligned.");
        ArgumentOutOfRangeException.ThrowIfZero(size);
        if (guestAddress + size < guestAddress)
            throw new ArgumentException($"guest RAM at 0x{guestAddress:x} size 0x{size:x} wraps the address space.");
        if (size > (ulong)nint.MaxValue)
            throw new ArgumentException($"guest RAM size 0x{size:x} does not fit this host's address space.");

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (GuestMemoryRegion existing in _regions)
            {
                if (guestAddress < existing.End && existing.GuestAddress < guestAddress + size)
                    throw new ArgumentException(
                        $"guest RAM 0x{guestAddress:x}-0x{guestAddress + size - 1:x} overlaps RAM 0x{existing.GuestAddress:x}-0x{existing.End - 1:x}.");
            }

            void* host = NativeMemory.AlignedAlloc((nuint)size, (nuint)PageSize);
            NativeMemory.Clear(host, (nuint)size);
            var region = new GuestMemoryRegion(guestAddress, size, (nint)host);
            GuestMemoryRegion[] regions = [.. _regions, region];
            Array.Sort(regions, static (a, b) => a.GuestAddress.CompareTo(b.GuestAddress));
            Volatile.Write(ref _regions, regions);
            Interlocked.Increment(ref _version);
            return region;
        }
    }

    /// <summary>Takes a use for a run; false once disposed.</summary>
    public bool TryAcquire()
    {
        lock (_lock)
        {
            if (_disposed)
                return false;
            _users++;
            return true;
        }
    }

    /// <summary>Returns a use; the last one after Dispose frees the RAM.</summary>
    public void Release()
    {
        lock (_lock)
        {
            if (--_users == 0 && _disposed)
                Free();
        }
    }

    /// <summary>Frees the RAM now, or when the last run returns.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
            if (_users == 0)
                Free();
        }
    }

    private void Free()
    {
        GuestMemoryRegion[] regions = _regions;
        Volatile.Write(ref _regions, []);
        Interlocked.Increment(ref _version);
        foreach (GuestMemoryRegion region in regions)
            NativeMemory.AlignedFree((void*)region.HostAddress);
    }
}
