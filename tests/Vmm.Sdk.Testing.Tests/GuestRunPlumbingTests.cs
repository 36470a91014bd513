using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Sdk.Testing.Tests.Devices;
using Vmm.Sdk.Testing.Tests.Fakes;
using Planned = Vmm.Sdk.Testing.Tests.Fakes.FakeGuestHypervisor.PlannedExit;

namespace Vmm.Sdk.Testing.Tests;

/// <summary>
/// RunGuest's plumbing on a fake guest hypervisor that makes planned exits from its own vCPU thread: loading,
/// boot state, the trace, stops, policy and fault failures, timeouts. Independent of the emulator.
/// </summary>
public sealed class GuestRunPlumbingTests
{
    private static (TestVm Vm, FakeGuestHypervisor Guest) Create(FakeGuestHypervisor guest, UnhandledAccessPolicy policy = UnhandledAccessPolicy.AllOnes)
    {
        var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>()
            .AddDevice("probe", "p", new { Port = 0x100 })
            .AddDevice("indexed", "idx", new { Port = 0x90 })
            .WithUnhandledAccess(policy)
            .WithGuestHypervisor(() => guest));
        return (vm, guest);
    }

    [Fact]
    public void The_program_is_loaded_and_vcpu_0_starts_at_it_in_the_mode_asked()
    {
        var (vm, guest) = Create(new FakeGuestHypervisor());
        using var _ = vm;

        var result = vm.RunGuest([0x90, 0xf4], CpuMode.Long64, loadAddress: 0x20000);

        Assert.True(vm.CanRunGuest);
        Assert.Equal([0x90, 0xf4], vm.ReadMemory(0x20000, 2));
        Assert.Equal((CpuMode.Long64, 0x20000ul), (guest.Vcpu0!.BootState!.Mode, guest.Vcpu0.BootState.EntryPoint));
        Assert.NotEqual(0ul, guest.Vcpu0.BootState.PageTableRoot);
        Assert.True(result.Halted);
        Assert.Equal(0x20000ul, result.Registers.Rip);
    }

    [Fact]
    public void Exits_from_the_vcpu_thread_reach_devices_and_the_trace()
    {
        var (vm, _) = Create(new FakeGuestHypervisor(new Planned(ExitKind.IoOut, 0x103, 1, [0x5a]), new Planned(ExitKind.IoIn, 0x103, 1)));
        using var __ = vm;

        var result = vm.RunGuest([0xf4]);

        Assert.Equal(new VmExitStatus(VmStopKind.Halted, 0), result.Status);
        Assert.Equal([ExitKind.IoOut, ExitKind.IoIn, ExitKind.Halt], vm.Exits.Select(e => e.Kind));
        Assert.Equal([0x5a], vm.Exits[1].Data);
        Assert.Equal(0x5aul, result.Registers.Rax);
    }

    [Fact]
    public void A_device_stop_ends_the_run_with_its_code()
    {
        var (vm, guest) = Create(new FakeGuestHypervisor(new Planned(ExitKind.IoOut, 0x107, 1, [7]), new Planned(ExitKind.IoOut, 0x100, 1, [1])) { SpinAtEnd = true });
        using var _ = vm;

        var result = vm.RunGuest([0xf4]);

        Assert.Equal(new VmExitStatus(VmStopKind.DeviceRequested, 7), result.Status);
        Assert.Equal(1, guest.Vcpu0!.ExitsMade);
    }

    [Fact]
    public void Under_policy_fail_an_unhandled_guest_access_stops_the_guest_there_and_fails_the_run()
    {
        var (vm, guest) = Create(new FakeGuestHypervisor(new Planned(ExitKind.MmioWrite, 0xfee0_00b0, 4, [0, 0, 0, 0]), new Planned(ExitKind.IoOut, 0x100, 1, [1])),
            UnhandledAccessPolicy.Fail);
        using var _ = vm;

        var error = Assert.Throws<UnhandledAccessException>(() => vm.RunGuest([0xf4]));

        Assert.StartsWith("unhandled MmioWrite at 0xfee000b0, 4 bytes", error.Message);
        Assert.Equal(1, guest.Vcpu0!.ExitsMade);
    }

    [Fact]
    public void A_device_fault_in_a_guest_run_fails_the_run_with_the_devices_exception()
    {
        var (vm, _) = Create(new FakeGuestHypervisor(new Planned(ExitKind.IoOut, 0x90, 1, [0xff]), new Planned(ExitKind.IoIn, 0x91, 1)));
        using var __ = vm;

        var error = Assert.Throws<DeviceFaultException>(() => vm.RunGuest([0xf4]));

        Assert.IsType<IndexOutOfRangeException>(error.InnerException);
        Assert.Equal("IoIn at port 0x91, 1 byte", error.During);
    }

    [Fact]
    public void A_guest_that_does_not_stop_is_stopped_at_the_timeout()
    {
        var (vm, _) = Create(new FakeGuestHypervisor { SpinAtEnd = true });
        using var __ = vm;

        var error = Assert.Throws<TimeoutException>(() => vm.RunGuest([0xf4], timeout: TimeSpan.FromMilliseconds(100)));

        Assert.Contains("ran for more than 00:00:00.1000000 without halting or stopping the VM", error.Message);
        Assert.Equal(VmStopKind.Stopped, vm.Status!.Kind);
    }

    [Fact]
    public void A_vcpu_that_throws_fails_the_run_instead_of_the_test_process()
    {
        var (vm, _) = Create(new FakeGuestHypervisor { Throw = new NotSupportedException("opcode 0f 0b") });
        using var __ = vm;

        var error = Assert.Throws<InvalidOperationException>(() => vm.RunGuest([0x0f, 0x0b]));

        Assert.Contains("NotSupportedException: opcode 0f 0b", error.Message);
        Assert.IsType<NotSupportedException>(error.InnerException);
    }

    [Fact]
    public void A_vm_runs_its_guest_once()
    {
        var (vm, _) = Create(new FakeGuestHypervisor());
        using var __ = vm;
        vm.RunGuest([0xf4]);

        var error = Assert.Throws<InvalidOperationException>(() => vm.RunGuest([0xf4]));

        Assert.Contains("a TestVm runs one guest", error.Message);
    }

    [Fact]
    public void A_guest_hypervisor_that_cannot_make_a_vm_leaves_scripted_tests_working_and_run_guest_says_why()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().AddDevice("probe", "p")
            .WithGuestHypervisor(() => new UnavailableHypervisor()));

        vm.Out8(0x100, 3);

        Assert.Equal(3, vm.In8(0x100));
        Assert.False(vm.CanRunGuest);
        var error = Assert.Throws<InvalidOperationException>(() => vm.RunGuest([0xf4]));
        Assert.Contains("the guest hypervisor 'unavailable' could not create a VM (NotImplementedException: not yet)", error.Message);
    }

    [Fact]
    public void A_guest_hypervisor_that_cannot_be_created_leaves_scripted_tests_working_too()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().AddDevice("probe", "p")
            .WithGuestHypervisor(() => throw new Vmm.Core.Hypervisor.HypervisorException("/dev/kvm: no such file")));

        vm.Out8(0x100, 4);

        Assert.Equal(4, vm.In8(0x100));
        var error = Assert.Throws<InvalidOperationException>(() => vm.RunGuest([0xf4]));
        Assert.Contains("the guest hypervisor could not be created (HypervisorException: /dev/kvm: no such file)", error.Message);
    }

    private sealed class UnavailableHypervisor : IHypervisor
    {
        public string Name => "unavailable";

        public int RecommendedVcpus => 1;

        public int MaxVcpus => 1;

        public IVirtualMachine CreateVirtualMachine() => throw new NotImplementedException("not yet");
    }
}
