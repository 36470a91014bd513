using System.Runtime.InteropServices;
using Vmm.Core.Memory;

namespace Vmm.Core.Tests.Buses;

public sealed unsafe class GuestMemoryTests : IDisposable
{
    private readonly void* _block = NativeMemory.AllocZeroed(0x2000);
    private readonly GuestMemory _memory = new();

    public GuestMemoryTests() => _memory.Add(new GuestMemoryRegion(0x10000, 0x2000, (nint)_block));

    [Fact]
    public void Write_then_read_round_trips_inside_ram()
    {
        Assert.True(_memory.TryWrite(0x10ff0, [1, 2, 3]));
        var back = new byte[3];
        Assert.True(_memory.TryRead(0x10ff0, back));
        Assert.Equal([1, 2, 3], back);
    }

    [Theory]
    [InlineData(0x0UL, 4)]                       // below RAM
    [InlineData(0x11ffeUL, 4)]                   // runs off the end
    [InlineData(0x12000UL, 1)]                   // just past the end
    [InlineData(ulong.MaxValue - 1, 4)]          // would wrap around
    public void Accesses_outside_ram_fail_without_touching_anything(ulong address, int length)
    {
        Assert.False(_memory.TryRead(address, new byte[length]));
        Assert.False(_memory.TryWrite(address, new byte[length]));
        Assert.Throws<ArgumentOutOfRangeException>(() => _memory.GetSpan(address, length));
    }

    [Fact]
    public void Overlapping_regions_are_rejected()
    {
        Assert.Throws<VmmException>(() => _memory.Add(new GuestMemoryRegion(0x11000, 0x1000, (nint)_block)));
    }

    public void Dispose() => NativeMemory.Free(_block);
}
