using Vmm.Core.Hypervisor;
using Vmm.Emulation.Execution;
using Vmm.Emulation.Tests.Support;
using Vmm.Sdk;

namespace Vmm.Emulation.Tests;

/// <summary>SetBootState leaves the vCPU exactly as the KVM backend's VcpuBootSetup does.</summary>
public sealed class BootStateTests
{
    private static EmulatedVcpu NewVcpu(out EmulatedVirtualMachine vm)
    {
        vm = new EmulatedHypervisor().CreateVirtualMachine();
        vm.AddRam(0, 0x10_0000);
        return vm.CreateVcpu(0);
    }

    [Theory]
    [InlineData(0x1000ul, 0x0000, 0x1000ul)]
    [InlineData(0x7C00ul, 0x0000, 0x7C00ul)]
    [InlineData(0x1_2345ul, 0x1000, 0x2345ul)]
    [InlineData(0xF_FFF0ul, 0xF000, 0xFFF0ul)]
    public void Real_mode_splits_the_entry_point_into_cs_and_ip(ulong entry, int cs, ulong ip)
    {
        using EmulatedVcpu vcpu = NewVcpu(out EmulatedVirtualMachine vm);
        using (vm)
        {
            vcpu.SetBootState(new VcpuBootState(CpuMode.Real, entry));

            SegmentRegister code = vcpu.Interpreter.GetSegment(SegmentIndex.Cs);
            Assert.Equal((ushort)cs, code.Selector);
            Assert.Equal((ulong)cs << 4, code.Base);
            Assert.Equal(ip, vcpu.GetRegisters().Rip);
            Assert.Equal(0x6000_0010ul, vcpu.Interpreter.Cr0);
            Assert.Equal(16, vcpu.Interpreter.CodeBitness);
        }
    }

    [Fact]
    public void Every_mode_sets_the_boot_registers_clears_the_rest_and_rflags_is_2()
    {
        using EmulatedVcpu vcpu = NewVcpu(out EmulatedVirtualMachine vm);
        using (vm)
        {
            vcpu.SetRegisters(new VcpuRegisters { Rcx = 7, Rdi = 9, R15 = 1, Rflags = 0x8D7 });
            vcpu.SetBootState(new VcpuBootState(CpuMode.Protected32, 0x10_0000) { StackPointer = 0x9000, Rax = 0x2BADB002, Rbx = 0x500, Rsi = 0x7000 });

            VcpuRegisters r = vcpu.GetRegisters();
            Assert.Equal((0x10_0000ul, 0x9000ul, 0x2BADB002ul, 0x500ul, 0x7000ul), (r.Rip, r.Rsp, r.Rax, r.Rbx, r.Rsi));
            Assert.Equal((0ul, 0ul, 0ul), (r.Rcx, r.Rdi, r.R15));
            Assert.Equal(2ul, r.Rflags);
        }
    }

    [Fact]
    public void Protected32_uses_flat_32_bit_segments_0x08_and_0x10_with_paging_off()
    {
        using EmulatedVcpu vcpu = NewVcpu(out EmulatedVirtualMachine vm);
        using (vm)
        {
            vcpu.SetBootState(new VcpuBootState(CpuMode.Protected32, 0x10_0000));

            Interpreter cpu = vcpu.Interpreter;
            Assert.Equal(0x6000_0011ul, cpu.Cr0);
            Assert.Equal((0ul, 0ul), (cpu.Cr4, cpu.Efer));
            Assert.Equal(32, cpu.CodeBitness);
            Assert.Equal((ushort)0x08, cpu.GetSegment(SegmentIndex.Cs).Selector);
            foreach (int s in new[] { SegmentIndex.Ds, SegmentIndex.Es, SegmentIndex.Fs, SegmentIndex.Gs, SegmentIndex.Ss })
            {
                SegmentRegister data = cpu.GetSegment(s);
                Assert.Equal((ushort)0x10, data.Selector);
                Assert.Equal((0ul, 0xFFFF_FFFFu), (data.Base, data.Limit));
                Assert.True(data.IsDefaultBig);
            }
        }
    }

    [Fact]
    public void Long64_turns_on_pae_paging_and_long_mode_with_a_64_bit_code_segment()
    {
        using EmulatedVcpu vcpu = NewVcpu(out EmulatedVirtualMachine vm);
        using (vm)
        {
            vcpu.SetBootState(new VcpuBootState(CpuMode.Long64, 0x20_0000) { PageTableRoot = 0x9000 });

            Interpreter cpu = vcpu.Interpreter;
            Assert.Equal(0xE000_0011ul, cpu.Cr0);
            Assert.Equal(0x20ul, cpu.Cr4);
            Assert.Equal(0x500ul, cpu.Efer);
            Assert.Equal(0x9000ul, cpu.Cr3);
            Assert.Equal(64, cpu.CodeBitness);
            Assert.True(cpu.GetSegment(SegmentIndex.Cs).IsLong);
        }
    }

    [Fact]
    public void Impossible_entry_points_are_refused()
    {
        using EmulatedVcpu vcpu = NewVcpu(out EmulatedVirtualMachine vm);
        using (vm)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => vcpu.SetBootState(new VcpuBootState(CpuMode.Real, 0x10_0000)));
            Assert.Throws<ArgumentOutOfRangeException>(() => vcpu.SetBootState(new VcpuBootState(CpuMode.Protected32, 0x1_0000_0000)));
            Assert.Throws<ArgumentOutOfRangeException>(() => vcpu.SetBootState(new VcpuBootState(CpuMode.Long64, 0) { PageTableRoot = 0x9001 }));
        }
    }

    [Fact]
    public void A_new_vcpu_starts_at_the_reset_vector()
    {
        using EmulatedVcpu vcpu = NewVcpu(out EmulatedVirtualMachine vm);
        using (vm)
        {
            Assert.Equal(0xFFF0ul, vcpu.GetRegisters().Rip);
            Assert.Equal(0xFFFF_0000ul, vcpu.Interpreter.GetSegment(SegmentIndex.Cs).Base);
            Assert.Contains("cr0=0000000060000010", vcpu.DescribeState());
        }
    }

    [Fact]
    public void SetRegisters_keeps_rflags_bit_1_set()
    {
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Real, [0xF4]);
        VcpuRegisters r = guest.Registers;
        r.Rflags = 0;
        guest.Vcpu.SetRegisters(r);

        Assert.Equal(2ul, guest.Registers.Rflags);
        Assert.Equal(ExitKind.Halt, guest.RunToHalt().Exits[0].Kind);
    }
}
