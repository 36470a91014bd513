using System.Runtime.InteropServices;
using Vmm.Core.Memory;

namespace Vmm.Boot.Tests.Support;

/// <summary>Guest RAM in native memory for loader tests, filled with a pattern so zero fill is visible.</summary>
internal sealed unsafe class TestRam : IDisposable
{
    public const byte Fill = 0xCC;

    private readonly List<nint> _blocks = [];

    public GuestMemory Memory { get; } = new();

    /// <summary>RAM from 0 of <paramref name="size"/> bytes.</summary>
    public TestRam(ulong size) => Add(0, size);

    public TestRam Add(ulong address, ulong size)
    {
        var block = (nint)NativeMemory.Alloc((nuint)size);
        new Span<byte>((void*)block, checked((int)size)).Fill(Fill);
        _blocks.Add(block);
        Memory.Add(new GuestMemoryRegion(address, size, block));
        return this;
    }

    public byte[] Read(ulong address, int length)
    {
        var bytes = new byte[length];
        Assert.True(Memory.TryRead(address, bytes), $"0x{address:x}+{length} is not RAM");
        return bytes;
    }

    public uint U32(ulong address) => BitConverter.ToUInt32(Read(address, 4));

    public ulong U64(ulong address) => BitConverter.ToUInt64(Read(address, 8));

    public string CString(ulong address)
    {
        var bytes = new List<byte>();
        for (var a = address; ; a++)
        {
            var b = Read(a, 1)[0];
            if (b == 0)
                return System.Text.Encoding.UTF8.GetString([.. bytes]);
            bytes.Add(b);
        }
    }

    public void Dispose()
    {
        foreach (var block in _blocks)
            NativeMemory.Free((void*)block);
    }
}
