using Vmm.Core.Machine;
using Vmm.Sdk.Testing.Tests.Devices;

namespace Vmm.Sdk.Testing.Tests;

/// <summary>Scripted accesses reach the device through the production pipeline and buses, as a backend's exits do.</summary>
public sealed class ScriptedAccessTests
{
    private static TestVm Create(object? options = null) =>
        TestVm.Create(b => b.AddPlugin<KitTestPlugin>().AddDevice("probe", "p", options ?? new { Port = 0x2f0, Mmio = 0xd000_0000 }));

    [Fact]
    public void A_port_write_reaches_the_device_at_its_offset_and_reads_back()
    {
        using var vm = Create();

        vm.Out8(0x2f3, 0x5a);

        Assert.Equal(0x5a, vm.In8(0x2f3));
        var (access, write, data) = vm.Device<ProbeDevice>("p").Accesses[0];
        Assert.Equal(new BusAccess(Address: 0x2f3, Offset: 3, Range: 0, VcpuId: 0), access);
        Assert.True(write);
        Assert.Equal([0x5a], data);
    }

    [Fact]
    public void Wider_port_accesses_carry_their_size_and_little_endian_data()
    {
        using var vm = Create();

        vm.Out16(0x2f0, 0x1234);
        vm.Out32(0x2f1, 0xdeadbeef);
        var read16 = vm.In16(0x2f0);
        var read32 = vm.In32(0x2f1);

        var accesses = vm.Device<ProbeDevice>("p").Accesses;
        Assert.Equal([0x34, 0x12], accesses[0].Data);
        Assert.Equal([0xef, 0xbe, 0xad, 0xde], accesses[1].Data);
        Assert.Equal(0x34, read16);     // the probe fills byte 0; the bus zeroed the rest
        Assert.Equal(0xefu, read32);
    }

    [Fact]
    public void A_read_buffer_reaches_the_device_zeroed()
    {
        using var vm = Create();

        vm.In32(0x2f4);

        Assert.Equal([0, 0, 0, 0], vm.Device<ProbeDevice>("p").Accesses[0].Data);
    }

    [Fact]
    public void String_output_is_one_exit_delivered_as_count_accesses_in_order()
    {
        using var vm = Create();

        vm.OutString(0x2f2, "abc"u8);

        var exit = Assert.Single(vm.Exits);
        Assert.Equal((ExitKind.IoOut, 0x2f2ul, 1, 3), (exit.Kind, exit.Address, exit.Size, exit.Count));
        var accesses = vm.Device<ProbeDevice>("p").Accesses;
        Assert.Equal(["a"u8.ToArray(), "b"u8.ToArray(), "c"u8.ToArray()], accesses.Select(a => a.Data));
        Assert.All(accesses, a => Assert.Equal(2ul, a.Access.Offset));
    }

    [Fact]
    public void String_input_returns_each_access_in_order()
    {
        using var vm = Create();
        vm.Out8(0x2f1, 7);

        var bytes = vm.InString(0x2f1, size: 2, count: 3);

        Assert.Equal([7, 0, 7, 0, 7, 0], bytes);
        Assert.Equal(3, vm.Device<ProbeDevice>("p").Accesses.Count(a => !a.Write));
    }

    [Theory]
    [InlineData(1, 0x10ul)]
    [InlineData(2, 0x1010ul)]
    [InlineData(4, 0x1010_1010ul)]
    [InlineData(8, 0x1010_1010_1010_1010ul)]
    public void Mmio_reads_of_each_size_reach_the_device_at_its_offset(int size, ulong expected)
    {
        using var vm = Create();

        var value = vm.ReadMmio(0xd000_0010, size);

        Assert.Equal(expected, value);
        var access = vm.Device<ProbeDevice>("p").Accesses.Single().Access;
        Assert.Equal((1, 0x10ul), (access.Range, access.Offset));
    }

    [Fact]
    public void Mmio_writes_carry_their_size_and_little_endian_data()
    {
        using var vm = Create();

        vm.Write8(0xd000_0000, 0x11);
        vm.Write16(0xd000_0002, 0x2233);
        vm.Write32(0xd000_0004, 0x44556677);
        vm.Write64(0xd000_0008, 0x8899aabbccddeeff);

        Assert.Equal(
            [[0x11], [0x33, 0x22], [0x77, 0x66, 0x55, 0x44], [0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88]],
            vm.Device<ProbeDevice>("p").Accesses.Select(a => a.Data));
    }

    [Fact]
    public void The_vcpu_id_of_scripted_accesses_is_the_one_the_test_picks()
    {
        using var vm = TestVm.Create(b =>
        {
            b.VcpuCount = 2;
            b.AddPlugin<KitTestPlugin>().AddDevice("probe", "p");
        });

        vm.VcpuId = 1;
        vm.Out8(0x100, 1);

        Assert.Equal(1, vm.Device<ProbeDevice>("p").Accesses[0].Access.VcpuId);
        Assert.Equal(1, vm.Exits[0].VcpuId);
        Assert.Throws<ArgumentOutOfRangeException>(() => vm.VcpuId = 2);
    }

    [Fact]
    public void Guest_memory_reads_and_writes_go_to_the_vms_ram()
    {
        using var vm = Create();

        vm.WriteMemory(0x1000, [1, 2, 3]);

        Assert.Equal([1, 2, 3], vm.ReadMemory(0x1000, 3));
        Assert.Equal([1, 2, 3], vm.Vm.Memory.GetSpan(0x1000, 3).ToArray());
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => vm.WriteMemory(TestVmBuilder.DefaultMemorySize - 1, [1, 2]));
        Assert.Contains("is not inside RAM", error.Message);
    }

    [Fact]
    public void Exit_metrics_count_scripted_accesses_as_the_production_pipeline_does()
    {
        using var vm = Create();

        vm.Out8(0x2f0, 1);
        vm.In8(0x2f0);
        vm.Read32(0xd000_0000);

        Assert.Equal((1, 1, 1), (vm.Vm.Metrics.Count(ExitKind.IoOut), vm.Vm.Metrics.Count(ExitKind.IoIn), vm.Vm.Metrics.Count(ExitKind.MmioRead)));
        Assert.Equal(3, vm.Slot("p").Accesses);
    }

    [Fact]
    public void A_halt_pushed_through_the_pipeline_stops_the_vcpu()
    {
        using var vm = Create();

        var outcome = vm.Dispatch(ExitKind.Halt, 0, 0, 0, []);

        Assert.Equal(ExitOutcome.StopVcpu, outcome);
    }

    [Fact]
    public void A_device_stop_request_is_the_vms_status_and_exit_code()
    {
        using var vm = Create();
        Assert.Null(vm.Status);

        vm.Out8(0x2f7, 42);

        Assert.Equal(42, vm.ExitCode);
        Assert.Equal(VmStopKind.DeviceRequested, vm.Status!.Kind);
        Assert.Equal(ExitOutcome.StopVm, vm.Exits.Last.Outcome);
    }

    [Fact]
    public void The_ranges_of_a_device_are_the_ones_the_buses_hold()
    {
        using var vm = Create(new { Port = "0x2e8", Mmio = "0xd0001000" });

        Assert.Equal(
            [new DeviceRange(AddressSpace.Port, 0x2e8, 8), new DeviceRange(AddressSpace.Mmio, 0xd000_1000, 0x100)],
            vm.Ranges("p"));
    }

    [Fact]
    public void Asking_for_a_device_that_is_not_there_names_the_ones_that_are()
    {
        using var vm = Create();

        var error = Assert.Throws<ArgumentException>(() => vm.Slot("com1"));

        Assert.Contains("no device named \"com1\"; this VM has devices \"p\" (probe)", error.Message);
        Assert.Throws<InvalidCastException>(() => vm.Device<TimerDevice>("p"));
    }
}
