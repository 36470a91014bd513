using System.Buffers.Binary;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Core.Memory;
using Vmm.Sdk.Testing.Backend;
using Vmm.Sdk.Testing.Tests.Devices;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Sdk.Testing.Tests;

/// <summary>
/// Guest programs run by the x86 emulator through the same pipeline as scripted accesses. These need
/// Vmm.Emulation's EmulatedHypervisor to create VMs; the tests at the end do not.
/// </summary>
public sealed class GuestRunTests
{
    private const ushort Probe = 0x100;

    private static TestVm CreateWithProbe(UnhandledAccessPolicy policy = UnhandledAccessPolicy.AllOnes) =>
        TestVm.Create(b => b.AddPlugin<KitTestPlugin>()
            .AddDevice("probe", "p", new { Port = Probe, Mmio = 0xd000_0000 })
            .WithUnhandledAccess(policy));

    [Fact]
    public void A_real_mode_guest_writes_and_reads_a_device_port_then_halts()
    {
        using var vm = CreateWithProbe();
        var a = new Assembler(16);
        a.mov(dx, Probe + 3);
        a.mov(al, 0x5a);
        a.@out(dx, al);
        a.xor(al, al);
        a.@in(al, dx);
        a.mov(bl, al);
        a.hlt();

        var result = vm.RunGuest(a, CpuMode.Real);

        Assert.True(result.Halted);
        Assert.Equal(0x5aul, result.Registers.Rbx & 0xff);
        Assert.Collection(vm.Exits,
            e => Assert.Equal((ExitKind.IoOut, Probe + 3ul, 1, 0x5aul), (e.Kind, e.Address, e.Size, e.Value)),
            e => Assert.Equal((ExitKind.IoIn, Probe + 3ul, 1, 0x5aul), (e.Kind, e.Address, e.Size, e.Value)),
            e => Assert.Equal(ExitKind.Halt, e.Kind));
    }

    [Fact]
    public void A_protected_mode_guest_makes_a_four_byte_port_write()
    {
        using var vm = CreateWithProbe();
        var a = new Assembler(32);
        a.mov(eax, 0x12345678);
        a.mov(dx, Probe);
        a.@out(dx, eax);
        a.hlt();

        vm.RunGuest(a, CpuMode.Protected32, loadAddress: 0x10000);

        Assert.Equal([0x78, 0x56, 0x34, 0x12], vm.Device<ProbeDevice>("p").Accesses.Single().Data);
    }

    [Fact]
    public void A_long_mode_guest_runs_on_identity_page_tables_and_reads_mmio()
    {
        using var vm = CreateWithProbe();
        var a = new Assembler(64);
        a.mov(rax, 0x1122334455667788);
        a.mov(__qword_ptr[0x3000], rax);
        a.mov(rbx, 0xd000_0010);
        a.mov(ecx, __dword_ptr[rbx]);
        a.hlt();

        var result = vm.RunGuest(a, CpuMode.Long64, loadAddress: 0x10000);

        Assert.True(result.Halted);
        Assert.Equal(0x1122334455667788ul, BinaryPrimitives.ReadUInt64LittleEndian(vm.ReadMemory(0x3000, 8)));
        Assert.Equal(0x1010_1010ul, result.Registers.Rcx);
        var mmio = vm.Exits.Single(e => e.Kind == ExitKind.MmioRead);
        Assert.Equal((0xd000_0010ul, 4), (mmio.Address, mmio.Size));
    }

    [Fact]
    public void A_guest_that_makes_a_device_stop_the_vm_gets_the_devices_exit_code()
    {
        using var vm = CreateWithProbe();
        var a = new Assembler(16);
        a.mov(dx, Probe + (ushort)ProbeDevice.StopRegister);
        a.mov(al, 33);
        a.@out(dx, al);
        var spin = a.CreateLabel();
        a.Label(ref spin);
        a.jmp(spin);

        var result = vm.RunGuest(a);

        Assert.Equal(new VmExitStatus(VmStopKind.DeviceRequested, 33), result.Status);
        Assert.Equal(33, vm.ExitCode);
    }

    [Fact]
    public void A_guests_unhandled_access_fails_the_run_under_policy_fail()
    {
        using var vm = CreateWithProbe(UnhandledAccessPolicy.Fail);
        var a = new Assembler(16);
        a.@in(al, 0x80);
        a.hlt();

        var error = Assert.Throws<UnhandledAccessException>(() => vm.RunGuest(a));

        Assert.StartsWith("unhandled IoIn at port 0x80, 1 byte", error.Message);
    }

    [Fact]
    public void A_device_fault_during_a_guest_run_fails_the_run()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().AddDevice("indexed", "idx", new { Port = 0x90 }));
        var a = new Assembler(16);
        a.mov(al, 0xff);
        a.@out(0x90, al);
        a.@in(al, 0x91);
        a.hlt();

        var error = Assert.Throws<DeviceFaultException>(() => vm.RunGuest(a));

        Assert.IsType<IndexOutOfRangeException>(error.InnerException);
    }

    [Fact]
    public void A_guest_that_never_stops_is_stopped_at_the_timeout()
    {
        using var vm = CreateWithProbe();
        var a = new Assembler(16);
        var spin = a.CreateLabel();
        a.Label(ref spin);
        a.jmp(spin);

        var error = Assert.Throws<TimeoutException>(() => vm.RunGuest(a, timeout: TimeSpan.FromMilliseconds(300)));

        Assert.Contains("without halting or stopping the VM", error.Message);
        Assert.Equal(VmStopKind.Stopped, vm.Status!.Kind);
    }

    [Fact]
    public void A_vm_runs_one_guest()
    {
        using var vm = CreateWithProbe();
        vm.RunGuest([0xf4]); // hlt

        var error = Assert.Throws<InvalidOperationException>(() => vm.RunGuest([0xf4]));

        Assert.Contains("runs one guest", error.Message);
    }

    // The tests below do not need the emulator.

    [Fact]
    public void Without_a_guest_hypervisor_run_guest_says_why_and_scripted_accesses_still_work()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().AddDevice("probe", "p").WithoutGuestExecution());

        var error = Assert.Throws<InvalidOperationException>(() => vm.RunGuest([0xf4]));

        Assert.False(vm.CanRunGuest);
        Assert.Contains("RunGuest needs a hypervisor that runs guest code", error.Message);
        Assert.Contains("WithoutGuestExecution", error.Message);
        vm.Out8(0x100, 1);
        Assert.Equal(1, vm.In8(0x100));
    }

    [Fact]
    public void A_program_assembled_for_another_mode_is_refused()
    {
        using var vm = CreateWithProbe();
        var a = new Assembler(32);
        a.hlt();

        var error = Assert.Throws<ArgumentException>(() => vm.RunGuest(a, CpuMode.Real));

        Assert.Contains("assembled for 32-bit code but Real runs 16-bit code", error.Message);
    }

    [Fact]
    public void Long_mode_page_tables_identity_map_the_low_4_gib_with_2_mib_pages()
    {
        using var vm = TestVm.Create(b => b.WithoutGuestExecution());
        var memory = vm.Vm.Memory;

        var state = GuestLoader.Load(memory, [0xf4], CpuMode.Long64, 0x10000);

        var pml4 = state.PageTableRoot;
        Assert.Equal(TestVmBuilder.DefaultMemorySize - GuestLoader.PageTableBytes, pml4);
        var pdpt = Entry(memory, pml4, 0) & ~0xffful;
        Assert.Equal(0x3ul, Entry(memory, pml4, 0) & 0xfff);             // present, writable
        for (var gib = 0; gib < 4; gib++)
        {
            var pd = Entry(memory, pdpt, gib) & ~0xffful;
            Assert.Equal(0x83ul, Entry(memory, pd, 0) & 0xfff);           // present, writable, 2 MiB page
            Assert.Equal((ulong)gib << 30, Entry(memory, pd, 0) & ~0xffful);
            Assert.Equal(((ulong)gib << 30) + (511ul << 21), Entry(memory, pd, 511) & ~0xffful);
        }
        Assert.Equal((CpuMode.Long64, 0x10000ul, 0x10000ul), (state.Mode, state.EntryPoint, state.StackPointer));
    }

    [Fact]
    public void A_real_mode_program_is_placed_as_a_boot_sector_is()
    {
        using var vm = TestVm.Create(b => b.WithoutGuestExecution());

        var state = GuestLoader.Load(vm.Vm.Memory, [0x90, 0xf4], CpuMode.Real, TestVm.DefaultLoadAddress);

        Assert.Equal([0x90, 0xf4], vm.ReadMemory(0x7c00, 2));
        Assert.Equal((CpuMode.Real, 0x7c00ul, 0x7c00ul), (state.Mode, state.EntryPoint, state.StackPointer));
        Assert.Throws<ArgumentOutOfRangeException>(() => GuestLoader.Load(vm.Vm.Memory, [0xf4], CpuMode.Real, 0x10_0000));
    }

    private static ulong Entry(GuestMemory memory, ulong table, int index) =>
        BinaryPrimitives.ReadUInt64LittleEndian(memory.GetSpan(table + (ulong)index * 8, 8));
}
