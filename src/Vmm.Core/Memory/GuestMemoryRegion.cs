namespace Vmm.Core.Memory;

/// <summary>
/// A block of guest RAM: <see cref="Size"/> bytes at guest-physical <see cref="GuestAddress"/>, backed by
/// host memory at <see cref="HostAddress"/> that the backend allocated and frees.
/// </summary>
public sealed class GuestMemoryRegion(ulong guestAddress, ulong size, nint hostAddress)
{
    public ulong GuestAddress { get; } = guestAddress;

    public ulong Size { get; } = size;

    public nint HostAddress { get; } = hostAddress;

    public ulong End => GuestAddress + Size;

    public bool Contains(ulong address, ulong length) =>
        address >= GuestAddress && length <= Size && address - GuestAddress <= Size - length;

    /// <summary>A view of guest bytes; the caller has checked <see cref="Contains"/>.</summary>
    public unsafe Span<byte> Slice(ulong address, int length) =>
        new((byte*)HostAddress + (address - GuestAddress), length);
}
