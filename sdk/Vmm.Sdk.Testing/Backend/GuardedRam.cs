using System.Runtime.InteropServices;
using Vmm.Core.Memory;

namespace Vmm.Sdk.Testing.Backend;

/// <summary>
/// Zeroed native memory for one RAM region with a guard band on each side filled with a known pattern. Guest
/// memory is bounds-checked, so only a device that goes around it (pointers, <c>Unsafe</c>) can write a guard;
/// <see cref="FindCorruption"/> says where one did.
/// </summary>
internal sealed unsafe class GuardedRam : IDisposable
{
    public const int GuardSize = 4096;
    private const byte GuardPattern = 0xA5;

    private byte* _block;
    private readonly nuint _total;

    public GuardedRam(ulong guestAddress, ulong size)
    {
        _total = (nuint)size + 2 * GuardSize;
        _block = (byte*)NativeMemory.AllocZeroed(_total);
        new Span<byte>(_block, GuardSize).Fill(GuardPattern);
        new Span<byte>(_block + GuardSize + (nuint)size, GuardSize).Fill(GuardPattern);
        Region = new GuestMemoryRegion(guestAddress, size, (nint)(_block + GuardSize));
    }

    public GuestMemoryRegion Region { get; }

    /// <summary>Describes the first guard byte that changed, or null when both guards are intact.</summary>
    public string? FindCorruption()
    {
        if (_block is null)
            return null;
        var before = new ReadOnlySpan<byte>(_block, GuardSize);
        var after = new ReadOnlySpan<byte>(_block + GuardSize + (nuint)Region.Size, GuardSize);
        var index = before.IndexOfAnyExcept(GuardPattern);
        if (index >= 0)
            return $"the byte {GuardSize - index} before guest RAM at 0x{Region.GuestAddress:x} was overwritten";
        index = after.IndexOfAnyExcept(GuardPattern);
        if (index >= 0)
            return $"the byte {index + 1} past the end of guest RAM 0x{Region.GuestAddress:x}-0x{Region.End - 1:x} was overwritten";
        return null;
    }

    public void Dispose()
    {
        if (_block is null)
            return;
        NativeMemory.Free(_block);
        _block = null;
    }
}
