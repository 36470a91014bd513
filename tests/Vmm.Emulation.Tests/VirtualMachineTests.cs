using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;
using Vmm.Emulation.Tests.Support;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Emulation.Tests;

/// <summary>The hypervisor and VM objects: RAM, vCPU ids, interrupt lines, disposal.</summary>
public sealed class VirtualMachineTests
{
    [Fact]
    public void The_hypervisor_is_called_emulator_and_allows_a_configurable_number_of_vcpus()
    {
        var defaults = new EmulatedHypervisor();
        var small = new EmulatedHypervisor(new EmulatorOptions { MaxVcpus = 2 });

        Assert.Equal("emulator", defaults.Name);
        Assert.Equal(Environment.ProcessorCount, defaults.RecommendedVcpus);
        Assert.Equal(2, small.MaxVcpus);
        using EmulatedVirtualMachine vm = small.CreateVirtualMachine();
        vm.CreateVcpu(1).Dispose();
        Assert.Throws<HypervisorException>(() => vm.CreateVcpu(2));
        Assert.Throws<HypervisorException>(() => vm.CreateVcpu(1));
    }

    [Fact]
    public unsafe void Ram_is_zeroed_page_aligned_host_memory()
    {
        using EmulatedVirtualMachine vm = new EmulatedHypervisor().CreateVirtualMachine();

        GuestMemoryRegion region = vm.AddRam(0x10_0000, 0x4_0000);

        Assert.Equal(0x10_0000ul, region.GuestAddress);
        Assert.Equal(0x4_0000ul, region.Size);
        Assert.Equal(0, region.HostAddress % 4096);
        Assert.True(region.Slice(0x10_0000, 0x4_0000).IndexOfAnyExcept((byte)0) < 0);
        Assert.Same(region, Assert.Single(vm.MemoryRegions));
    }

    [Theory]
    [InlineData(0x1001ul, 0x1000ul)]
    [InlineData(0x1000ul, 0x1001ul)]
    [InlineData(0x0ul, 0x0ul)]
    public void Misaligned_or_empty_ram_is_refused(ulong address, ulong size)
    {
        using EmulatedVirtualMachine vm = new EmulatedHypervisor().CreateVirtualMachine();

        Assert.ThrowsAny<ArgumentException>(() => vm.AddRam(address, size));
    }

    [Fact]
    public void Overlapping_ram_is_refused_with_both_ranges_named()
    {
        using EmulatedVirtualMachine vm = new EmulatedHypervisor().CreateVirtualMachine();
        vm.AddRam(0, 0x10_0000);

        var error = Assert.Throws<ArgumentException>(() => vm.AddRam(0xF_0000, 0x2_0000));

        Assert.Contains("0xf0000-0x10ffff", error.Message);
        Assert.Contains("0x0-0xfffff", error.Message);
    }

    [Fact]
    public void Ram_added_after_the_vcpu_is_usable_by_it()
    {
        using EmulatedVirtualMachine vm = new EmulatedHypervisor().CreateVirtualMachine();
        using EmulatedVcpu vcpu = vm.CreateVcpu(0);
        GuestMemoryRegion low = vm.AddRam(0, 0x10_0000);
        GuestMemoryRegion high = vm.AddRam(0x1_0000_0000, 0x1000);
        // mov eax,[0x100000000] through a 64-bit absolute load (moffs): 48 a1 imm64; hlt
        new byte[] { 0x48, 0xA1, 0, 0, 0, 0, 1, 0, 0, 0, 0xF4 }.CopyTo(low.Slice(0x1000, 11));
        var tables = new EmulatedGuestTables(low);
        vcpu.SetBootState(new VcpuBootState(CpuMode.Long64, 0x1000) { PageTableRoot = tables.Root });
        BitConverter.GetBytes(0x0BAD_F00Dul).CopyTo(high.Slice(0x1_0000_0000, 8));

        VcpuRunResult result = vcpu.Run(ExitLog.StopOnHalt);

        Assert.Equal(VcpuStopReason.Halted, result.Reason);
        Assert.Equal(0x0BAD_F00Dul, vcpu.GetRegisters().Rax);
    }

    [Fact]
    public void Interrupt_lines_are_one_object_per_gsi_and_track_their_level()
    {
        using EmulatedVirtualMachine vm = new EmulatedHypervisor().CreateVirtualMachine();
        IInterruptLine line = vm.GetInterruptLine(4);

        Assert.Same(line, vm.GetInterruptLine(4));
        Assert.NotSame(line, vm.GetInterruptLine(3));
        Assert.Equal(4, line.Gsi);
        Assert.False(line.IsRaised);
        line.Raise();
        Assert.True(line.IsRaised);
        line.Lower();
        Assert.False(line.IsRaised);
        line.Pulse();
        Assert.False(line.IsRaised);
        Parallel.For(0, 1000, i =>
        {
            if (i % 2 == 0)
                line.Raise();
            else
                line.Lower();
        });
        line.Lower();
        Assert.False(line.IsRaised);
    }

    [Fact]
    public void Disposing_the_vm_stops_a_running_vcpu_and_frees_the_ram_after_it_returns()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            Iced.Intel.Label spin = a.CreateLabel();
            a.Label(ref spin);
            a.jmp(spin);
        });
        VcpuRunResult? result = null;
        var thread = new Thread(() => result = guest.Vcpu.Run((ref ExitContext exit) => { }));
        thread.Start();
        Thread.Sleep(100);

        guest.Vm.Dispose();

        Assert.True(thread.Join(TimeSpan.FromSeconds(1)));
        Assert.Equal(VcpuStopReason.Requested, result!.Reason);
        Assert.Empty(guest.Vm.MemoryRegions);
        Assert.Throws<ObjectDisposedException>(() => guest.Vcpu.Run((ref ExitContext exit) => { }));
        Assert.Throws<ObjectDisposedException>(() => guest.Vm.AddRam(0, 0x1000));
    }

    /// <summary>An identity map of the first GiB (2 MiB pages) at 0x10000 in <paramref name="ram"/>.</summary>
    private sealed class EmulatedGuestTables
    {
        public EmulatedGuestTables(GuestMemoryRegion ram)
        {
            void Write(ulong address, ulong value) => BitConverter.GetBytes(value).CopyTo(ram.Slice(address, 8));
            Write(Root, (Root + 0x1000) | 3);
            Write(Root + 0x1000, (Root + 0x2000) | 3);
            Write(Root + 0x1000 + 4 * 8, (Root + 0x3000) | 3);                  // PDPT entry 4: 4 GiB
            for (ulong i = 0; i < 512; i++)
                Write(Root + 0x2000 + i * 8, (i << 21) | 0x83);
            Write(Root + 0x3000, 0x1_0000_0000 | 0x83);
        }

        public ulong Root => 0x10000;
    }
}
