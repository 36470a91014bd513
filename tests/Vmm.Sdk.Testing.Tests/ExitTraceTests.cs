using Vmm.Sdk.Testing.Tests.Devices;

namespace Vmm.Sdk.Testing.Tests;

public sealed class ExitTraceTests
{
    private static string Hex(byte[] data) => Convert.ToHexStringLower(data);

    [Fact]
    public void The_trace_records_each_exit_with_kind_address_size_count_data_and_handled()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().AddDevice("probe", "p", new { Port = 0x100, Mmio = 0xd000_0000 }));

        vm.Out8(0x103, 0xab);
        vm.In8(0x103);
        vm.Write16(0xd000_0004, 0xbeef);
        vm.In8(0x300);

        Assert.Collection(vm.Exits,
            e => Assert.Equal((ExitKind.IoOut, 0x103ul, 1, 1, "ab", true), (e.Kind, e.Address, e.Size, e.Count, Hex(e.Data), e.Handled)),
            e => Assert.Equal((ExitKind.IoIn, 0x103ul, 1, 1, "ab", true), (e.Kind, e.Address, e.Size, e.Count, Hex(e.Data), e.Handled)),
            e => Assert.Equal((ExitKind.MmioWrite, 0xd000_0004ul, 2, 1, 0xbeeful, true), (e.Kind, e.Address, e.Size, e.Count, e.Value, e.Handled)),
            e => Assert.Equal((ExitKind.IoIn, 0x300ul, "ff", false), (e.Kind, e.Address, Hex(e.Data), e.Handled)));
    }

    [Fact]
    public void A_trace_entry_reads_as_the_access()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>());

        vm.Out16(0x3f8, 0x4142);

        Assert.Equal("IoOut at port 0x3f8, 2 bytes: 4241, unhandled", vm.Exits.Last.ToString());
    }

    [Fact]
    public void Exits_are_stamped_with_the_fake_clock()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>());
        var start = vm.Clock.GetUtcNow();

        vm.In8(0x80);
        vm.Clock.Advance(TimeSpan.FromSeconds(3));
        vm.In8(0x80);

        Assert.Equal([start, start.AddSeconds(3)], vm.Exits.Select(e => e.Time));
    }

    [Fact]
    public void A_full_trace_keeps_the_latest_exits_and_counts_the_dropped_ones()
    {
        using var vm = TestVm.Create(b =>
        {
            b.TraceCapacity = 3;
            b.AddPlugin<KitTestPlugin>();
        });

        for (ushort port = 1; port <= 5; port++)
            vm.In8(port);

        Assert.Equal([3ul, 4ul, 5ul], vm.Exits.Select(e => e.Address));
        Assert.Equal(5ul, vm.Exits.Last.Address);
        Assert.Equal(2, vm.Exits.Dropped);
        vm.Exits.Clear();
        Assert.Empty(vm.Exits);
    }
}
