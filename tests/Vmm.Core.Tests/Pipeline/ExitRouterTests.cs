using Vmm.Core.Tests.Fakes;
using Vmm.Sdk;

namespace Vmm.Core.Tests.Pipeline;

public class ExitRouterTests
{
    [Fact]
    public void Port_read_goes_to_the_owner_with_the_offset_from_its_base()
    {
        var router = new Router();
        var device = new IdDevice(0x42);
        router.Io.Register(Slots.For("com1", device), 0, Slots.Ports(0x3f8, 8));

        var (data, handled, _) = router.Run(ExitKind.IoIn, 0x3fd, size: 1);

        Assert.True(handled);
        Assert.Equal([0x42], data);
        Assert.Equal(new BusAccess(0x3fd, 5, 0, 0), Assert.Single(device.Reads));
    }

    [Fact]
    public void Second_range_of_a_device_reports_its_range_index()
    {
        var router = new Router();
        var device = new IdDevice(1);
        var slot = Slots.For("i8042", device);
        router.Io.Register(slot, 0, Slots.Ports(0x60, 1));
        router.Io.Register(slot, 1, Slots.Ports(0x64, 1));

        router.Run(ExitKind.IoOut, 0x64, size: 1, data: [0xFE]);

        var (access, bytes) = Assert.Single(device.Writes);
        Assert.Equal(new BusAccess(0x64, 0, 1, 0), access);
        Assert.Equal([0xFE], bytes);
    }

    [Fact]
    public void String_output_reaches_the_device_as_count_accesses_in_order()
    {
        var router = new Router();
        var device = new IdDevice(0);
        router.Io.Register(Slots.For("com1", device), 0, Slots.Ports(0x3f8, 8));

        router.Run(ExitKind.IoOut, 0x3f8, size: 1, count: 5, data: "Hello"u8.ToArray());

        Assert.Equal("Hello", string.Concat(device.Writes.Select(w => (char)w.Data[0])));
        Assert.All(device.Writes, w => Assert.Equal(0UL, w.Access.Offset));
    }

    [Fact]
    public void String_input_of_words_fills_each_element()
    {
        var router = new Router();
        router.Io.Register(Slots.For("dev", new IdDevice(0x5A)), 0, Slots.Ports(0x1f0, 1));

        var (data, handled, _) = router.Run(ExitKind.IoIn, 0x1f0, size: 2, count: 3);

        Assert.True(handled);
        Assert.Equal(Enumerable.Repeat((byte)0x5A, 6), data);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Unclaimed_port_reads_all_ones(int size)
    {
        var router = new Router();

        var (data, handled, outcome) = router.Run(ExitKind.IoIn, 0x1234, size);

        Assert.False(handled);
        Assert.All(data, b => Assert.Equal(0xFF, b));
        Assert.Equal(ExitOutcome.Resume, outcome);
        Assert.Equal(1, router.Unclaimed.Count);
    }

    [Fact]
    public void Unclaimed_port_write_is_dropped_and_the_vm_keeps_running()
    {
        var router = new Router();

        var (_, handled, outcome) = router.Run(ExitKind.IoOut, 0x80, 1, data: [0x12]);

        Assert.False(handled);
        Assert.Equal(ExitOutcome.Resume, outcome);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Mmio_read_goes_to_the_owner_with_its_size(int size)
    {
        var router = new Router();
        var device = new IdDevice(0x77);
        router.Mmio.Register(Slots.For("mmio-dev", device), 0, Slots.Mmio(0xd000_0000, 0x1000));

        var (data, handled, _) = router.Run(ExitKind.MmioRead, 0xd000_0010, size);

        Assert.True(handled);
        Assert.Equal(Enumerable.Repeat((byte)0x77, size), data);
        Assert.Equal(0x10UL, Assert.Single(device.Reads).Offset);
    }

    [Fact]
    public void Unclaimed_mmio_read_is_all_ones()
    {
        var router = new Router();

        var (data, handled, _) = router.Run(ExitKind.MmioRead, 0xfee0_0000, 4);

        Assert.False(handled);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, data);
    }

    [Fact]
    public void A_throwing_device_is_contained_marked_faulted_and_then_unclaimed()
    {
        var router = new Router();
        var device = new ThrowingDevice();
        var slot = Slots.For("broken", device);
        router.Io.Register(slot, 0, Slots.Ports(0x300, 4));

        var (first, handledFirst, outcome) = router.Run(ExitKind.IoIn, 0x300, 1);
        var (second, handledSecond, _) = router.Run(ExitKind.IoIn, 0x301, 1);

        Assert.Equal([0xFF], first);
        Assert.Equal([0xFF], second);
        Assert.False(handledFirst);
        Assert.False(handledSecond);
        Assert.Equal(ExitOutcome.Resume, outcome);
        Assert.True(slot.IsFaulted);
        Assert.IsType<InvalidOperationException>(slot.Fault);
        Assert.Equal(1, device.Calls);
    }

    [Theory]
    [InlineData(ExitKind.Halt, ExitOutcome.StopVcpu)]
    [InlineData(ExitKind.Shutdown, ExitOutcome.StopVm)]
    [InlineData(ExitKind.Reset, ExitOutcome.StopVm)]
    [InlineData(ExitKind.Fatal, ExitOutcome.StopVm)]
    [InlineData(ExitKind.Cancelled, ExitOutcome.Resume)]
    public void Default_policy_per_exit_kind(ExitKind kind, ExitOutcome expected)
    {
        var router = new Router();

        var (_, _, outcome) = router.Run(kind, 0, 0, 0);

        Assert.Equal(expected, outcome);
    }

    [Fact]
    public void A_stop_request_turns_the_next_exit_into_a_vm_stop()
    {
        var router = new Router();
        router.Stop.Request();

        var (_, _, outcome) = router.Run(ExitKind.IoOut, 0x80, 1, data: [0]);

        Assert.Equal(ExitOutcome.StopVm, outcome);
    }

    [Fact]
    public void Malformed_io_exit_with_more_bytes_than_data_is_ignored()
    {
        var router = new Router();
        var device = new IdDevice(1);
        router.Io.Register(Slots.For("com1", device), 0, Slots.Ports(0x3f8, 8));

        var (_, handled, _) = router.Run(ExitKind.IoOut, 0x3f8, size: 4, count: 100, data: new byte[8]);

        Assert.False(handled);
        Assert.Empty(device.Writes);
    }
}
