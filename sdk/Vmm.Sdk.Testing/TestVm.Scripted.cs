using System.Buffers.Binary;

namespace Vmm.Sdk.Testing;

public sealed partial class TestVm
{
    /// <summary>What a guest's <c>in al, dx</c> does: one 1-byte port read through the whole pipeline.</summary>
    public byte In8(ushort port)
    {
        Span<byte> data = stackalloc byte[1];
        Access(ExitKind.IoIn, port, 1, 1, data);
        return data[0];
    }

    /// <summary>A 2-byte port read (<c>in ax, dx</c>).</summary>
    public ushort In16(ushort port)
    {
        Span<byte> data = stackalloc byte[2];
        Access(ExitKind.IoIn, port, 2, 1, data);
        return BinaryPrimitives.ReadUInt16LittleEndian(data);
    }

    /// <summary>A 4-byte port read (<c>in eax, dx</c>).</summary>
    public uint In32(ushort port)
    {
        Span<byte> data = stackalloc byte[4];
        Access(ExitKind.IoIn, port, 4, 1, data);
        return BinaryPrimitives.ReadUInt32LittleEndian(data);
    }

    /// <summary>What a guest's <c>out dx, al</c> does: one 1-byte port write through the whole pipeline.</summary>
    public void Out8(ushort port, byte value)
    {
        Span<byte> data = [value];
        Access(ExitKind.IoOut, port, 1, 1, data);
    }

    /// <summary>A 2-byte port write (<c>out dx, ax</c>).</summary>
    public void Out16(ushort port, ushort value)
    {
        Span<byte> data = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(data, value);
        Access(ExitKind.IoOut, port, 2, 1, data);
    }

    /// <summary>A 4-byte port write (<c>out dx, eax</c>).</summary>
    public void Out32(ushort port, uint value)
    {
        Span<byte> data = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(data, value);
        Access(ExitKind.IoOut, port, 4, 1, data);
    }

    /// <summary>
    /// String output (<c>rep outsb</c>, <c>rep outsw</c>, <c>rep outsd</c>): one exit of
    /// <c>data.Length / size</c> accesses of <paramref name="size"/> bytes, which the device receives in order.
    /// </summary>
    public void OutString(ushort port, ReadOnlySpan<byte> data, int size = 1)
    {
        ThrowIfBadPortSize(size);
        if (data.IsEmpty || data.Length % size != 0)
            throw new ArgumentException($"string output needs a whole number of {size}-byte accesses; got {data.Length} bytes", nameof(data));
        var buffer = data.ToArray();
        Access(ExitKind.IoOut, port, size, buffer.Length / size, buffer);
    }

    /// <summary>String input (<c>rep insb</c> and wider): one exit of <paramref name="count"/> reads of <paramref name="size"/> bytes; returns them in order.</summary>
    public byte[] InString(ushort port, int size, int count)
    {
        ThrowIfBadPortSize(size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var buffer = new byte[size * count];
        Access(ExitKind.IoIn, port, size, count, buffer);
        return buffer;
    }

    /// <summary>A 1-byte MMIO read at guest-physical <paramref name="address"/>.</summary>
    public byte Read8(ulong address) => (byte)ReadMmio(address, 1);

    /// <summary>A 2-byte MMIO read.</summary>
    public ushort Read16(ulong address) => (ushort)ReadMmio(address, 2);

    /// <summary>A 4-byte MMIO read.</summary>
    public uint Read32(ulong address) => (uint)ReadMmio(address, 4);

    /// <summary>An 8-byte MMIO read.</summary>
    public ulong Read64(ulong address) => ReadMmio(address, 8);

    /// <summary>A 1-byte MMIO write at guest-physical <paramref name="address"/>.</summary>
    public void Write8(ulong address, byte value) => WriteMmio(address, 1, value);

    /// <summary>A 2-byte MMIO write.</summary>
    public void Write16(ulong address, ushort value) => WriteMmio(address, 2, value);

    /// <summary>A 4-byte MMIO write.</summary>
    public void Write32(ulong address, uint value) => WriteMmio(address, 4, value);

    /// <summary>An 8-byte MMIO write.</summary>
    public void Write64(ulong address, ulong value) => WriteMmio(address, 8, value);

    /// <summary>An MMIO read of <paramref name="size"/> bytes (1, 2, 4 or 8), little-endian, as a guest's <c>mov</c> from device memory.</summary>
    public ulong ReadMmio(ulong address, int size)
    {
        ThrowIfBadMmioSize(size);
        Span<byte> data = stackalloc byte[sizeof(ulong)];
        data.Clear();
        Access(ExitKind.MmioRead, address, size, 1, data[..size]);
        return BinaryPrimitives.ReadUInt64LittleEndian(data);
    }

    /// <summary>An MMIO write of the low <paramref name="size"/> bytes (1, 2, 4 or 8) of <paramref name="value"/>, little-endian.</summary>
    public void WriteMmio(ulong address, int size, ulong value)
    {
        ThrowIfBadMmioSize(size);
        Span<byte> data = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(data, value);
        Access(ExitKind.MmioWrite, address, size, 1, data[..size]);
    }

    /// <summary>
    /// Pushes any exit through the pipeline as a backend would (a <see cref="ExitKind.Halt"/>, an MSR access, a
    /// raw I/O exit) and returns what the pipeline told the vCPU to do. Reads arrive in <paramref name="data"/>.
    /// </summary>
    public ExitOutcome Dispatch(ExitKind kind, ulong address, int size, int count, Span<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Access(kind, address, size, count, data);
    }

    /// <summary>Copies guest RAM at <paramref name="address"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Some of the bytes are not RAM.</exception>
    public void ReadMemory(ulong address, Span<byte> destination)
    {
        ThrowIfDisposed();
        if (!_vm.Memory.TryRead(address, destination))
            throw OutsideRam(address, destination.Length);
    }

    /// <summary>Reads <paramref name="length"/> bytes of guest RAM at <paramref name="address"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Some of the bytes are not RAM.</exception>
    public byte[] ReadMemory(ulong address, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var bytes = new byte[length];
        ReadMemory(address, bytes);
        return bytes;
    }

    /// <summary>Writes <paramref name="source"/> into guest RAM at <paramref name="address"/>, as a guest or a DMA buffer set-up would.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Some of the bytes are not RAM.</exception>
    public void WriteMemory(ulong address, ReadOnlySpan<byte> source)
    {
        ThrowIfDisposed();
        if (!_vm.Memory.TryWrite(address, source))
            throw OutsideRam(address, source.Length);
    }

    /// <summary>
    /// One exit through <see cref="Core.Machine.Vm.Pipeline"/> as a backend makes it: on vCPU <see cref="VcpuId"/>, with
    /// <paramref name="data"/> zeroed first for reads. Then a device fault or a policy failure it caused is thrown.
    /// </summary>
    private ExitOutcome Access(ExitKind kind, ulong address, int size, int count, Span<byte> data)
    {
        ThrowIfDisposed();
        if (_guestRunning)
            throw new InvalidOperationException("a scripted access cannot run while RunGuest runs the guest");
        if (kind is ExitKind.IoIn or ExitKind.MmioRead)
            data.Clear();
        var exit = new ExitContext(kind, _vcpuId, address, size, count, data);
        _vm.Pipeline(ref exit);
        ThrowPendingFailure();
        return exit.Outcome;
    }

    private ArgumentOutOfRangeException OutsideRam(ulong address, int length) =>
        new(nameof(address), $"guest memory 0x{address:x}+{length} is not inside RAM ({string.Join(", ", _vm.Memory.Regions.Select(r => $"0x{r.GuestAddress:x}-0x{r.End - 1:x}"))})");

    private static void ThrowIfBadPortSize(int size)
    {
        if (size is not (1 or 2 or 4))
            throw new ArgumentOutOfRangeException(nameof(size), size, "a port access is 1, 2 or 4 bytes");
    }

    private static void ThrowIfBadMmioSize(int size)
    {
        if (size is not (1 or 2 or 4 or 8))
            throw new ArgumentOutOfRangeException(nameof(size), size, "an MMIO access is 1, 2, 4 or 8 bytes");
    }
}
