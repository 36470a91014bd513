namespace Vmm.Sdk;

/// <summary>
/// The guest's RAM as a device sees it for DMA. Every access is bounds-checked: an address the guest
/// made up can never reach host memory outside the guest's RAM.
/// </summary>
public interface IGuestMemory
{
    /// <summary>Total bytes of guest RAM over all regions.</summary>
    ulong Size { get; }

    /// <summary>Copies guest bytes at <paramref name="address"/>; false (and nothing copied) if any byte is outside RAM.</summary>
    bool TryRead(ulong address, Span<byte> destination);

    /// <summary>Copies bytes into the guest at <paramref name="address"/>; false (and nothing written) if any byte is outside RAM.</summary>
    bool TryWrite(ulong address, ReadOnlySpan<byte> source);

    /// <summary>
    /// A view of <paramref name="length"/> guest bytes at <paramref name="address"/>, valid while the VM lives.
    /// Throws <see cref="ArgumentOutOfRangeException"/> unless the bytes lie inside one RAM region.
    /// </summary>
    Span<byte> GetSpan(ulong address, int length);
}
