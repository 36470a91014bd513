using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Core.Memory;

namespace Vmm.Boot;

/// <summary>
/// Raw bytes copied to one guest address and entered there, like a boot sector at 0x7c00 (real mode) or a
/// flat 32-bit stub. No header, no relocation.
/// </summary>
public sealed class FlatBinaryImage : IBootImage
{
    private readonly ReadOnlyMemory<byte> _bytes;

    private FlatBinaryImage(string name, ReadOnlyMemory<byte> bytes, ulong loadAddress, ulong entryPoint, CpuMode mode)
    {
        _bytes = bytes;
        LoadAddress = loadAddress;
        EntryPoint = entryPoint;
        Mode = mode;
        Description = $"flat binary {name} at 0x{loadAddress:x}";
    }

    public string Description { get; }

    public ulong LoadAddress { get; }

    public ulong EntryPoint { get; }

    public CpuMode Mode { get; }

    /// <summary>Reads <paramref name="path"/>; entry defaults to the load address.</summary>
    public static FlatBinaryImage FromFile(string path, ulong loadAddress, ulong? entryPoint = null, CpuMode mode = CpuMode.Real)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BootImageException($"image {path}: {ex.Message}", ex);
        }
        return new FlatBinaryImage(path, bytes, loadAddress, entryPoint ?? loadAddress, mode);
    }

    public static FlatBinaryImage FromBytes(string name, ReadOnlyMemory<byte> bytes, ulong loadAddress, ulong? entryPoint = null, CpuMode mode = CpuMode.Real) =>
        new(name, bytes, loadAddress, entryPoint ?? loadAddress, mode);

    public VcpuBootState Load(GuestMemory memory)
    {
        if (_bytes.IsEmpty)
            throw new BootImageException($"{Description}: the image is empty");
        if (!memory.TryWrite(LoadAddress, _bytes.Span))
            throw new BootImageException($"{Description}: {_bytes.Length} bytes do not fit in guest RAM ({memory.Size >> 20} MiB); load it lower or give the VM more memory");
        if (Mode == CpuMode.Real && EntryPoint >= 0x10_0000)
            throw new BootImageException($"{Description}: real-mode entry 0x{EntryPoint:x} is above 1 MiB");
        return new VcpuBootState(Mode, EntryPoint)
        {
            // A stack just below the image, in the same 64 KiB segment as the entry in real mode.
            StackPointer = Mode == CpuMode.Real ? EntryPoint & 0xFFFF : LoadAddress,
            PageTableRoot = Mode == CpuMode.Long64 ? BuildPageTables(memory) : 0,
        };
    }

    private ulong BuildPageTables(GuestMemory memory)
    {
        try
        {
            return IdentityPageTables.Build(memory, LoadAddress, LoadAddress + (ulong)_bytes.Length);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new BootImageException($"{Description}: {ex.Message.Split(" (Parameter")[0]}", ex);
        }
    }
}
