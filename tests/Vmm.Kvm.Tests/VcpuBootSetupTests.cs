using Vmm.Core.Hypervisor;
using Vmm.Kvm.Native;

namespace Vmm.Kvm.Tests;

/// <summary>The register values each boot mode asks for, computed without a vCPU.</summary>
public sealed class VcpuBootSetupTests
{
    [Theory]
    [InlineData(0x1000ul, 0x0000, 0x1000ul)]
    [InlineData(0x7C00ul, 0x0000, 0x7C00ul)]
    [InlineData(0x1_2345ul, 0x1000, 0x2345ul)]
    [InlineData(0xF_FFF0ul, 0xF000, 0xFFF0ul)]
    public void Real_mode_entry_splits_into_cs_and_ip(ulong entry, int cs, ulong ip)
    {
        var sregs = new KvmSregs { Cr0 = 0x6000_0011 };

        KvmRegs regs = VcpuBootSetup.Apply(new VcpuBootState(CpuMode.Real, entry), ref sregs);

        Assert.Equal((ushort)cs, sregs.Cs.Selector);
        Assert.Equal((ulong)cs << 4, sregs.Cs.Base);
        Assert.Equal(ip, regs.Rip);
        Assert.Equal(0ul, sregs.Cr0 & VcpuBootSetup.Cr0Pe);
        Assert.Equal(0x6000_0010ul, sregs.Cr0);
    }

    [Fact]
    public void Real_mode_entry_at_or_above_1_MiB_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var sregs = new KvmSregs();
            VcpuBootSetup.Apply(new VcpuBootState(CpuMode.Real, 0x10_0000), ref sregs);
        });

    [Fact]
    public void Every_mode_sets_the_boot_registers_and_reserved_rflags_bit()
    {
        var state = new VcpuBootState(CpuMode.Protected32, 0x10_0000) { StackPointer = 0x9000, Rax = 0x2BADB002, Rbx = 0x500, Rsi = 0x7000 };
        var sregs = new KvmSregs();

        KvmRegs regs = VcpuBootSetup.Apply(state, ref sregs);

        Assert.Equal(0x10_0000ul, regs.Rip);
        Assert.Equal(0x9000ul, regs.Rsp);
        Assert.Equal(0x2BADB002ul, regs.Rax);
        Assert.Equal(0x500ul, regs.Rbx);
        Assert.Equal(0x7000ul, regs.Rsi);
        Assert.Equal(2ul, regs.Rflags);
    }

    [Fact]
    public void Protected32_uses_flat_4_GiB_32_bit_segments_with_paging_off()
    {
        var sregs = new KvmSregs { Cr0 = 0x6000_0010, Efer = VcpuBootSetup.EferLme, Cr4 = VcpuBootSetup.Cr4Pae };

        VcpuBootSetup.Apply(new VcpuBootState(CpuMode.Protected32, 0x10_0000), ref sregs);

        Assert.Equal(VcpuBootSetup.Cr0Pe, sregs.Cr0 & (VcpuBootSetup.Cr0Pe | VcpuBootSetup.Cr0Pg));
        Assert.Equal(0ul, sregs.Efer);
        Assert.Equal(0ul, sregs.Cr4);
        foreach (KvmSegment segment in new[] { sregs.Cs, sregs.Ds, sregs.Es, sregs.Fs, sregs.Gs, sregs.Ss })
        {
            Assert.Equal(0ul, segment.Base);
            Assert.Equal(0xFFFF_FFFFu, segment.Limit);
            Assert.Equal(1, segment.Db);
            Assert.Equal(1, segment.G);
            Assert.Equal(1, segment.Present);
        }

        Assert.Equal(0x08, sregs.Cs.Selector);
        Assert.Equal(0xB, sregs.Cs.Type);
        Assert.Equal(0x10, sregs.Ds.Selector);
    }

    [Fact]
    public void Long64_turns_on_pae_paging_and_long_mode_with_a_64_bit_code_segment()
    {
        var sregs = new KvmSregs { Cr0 = 0x6000_0010 };

        VcpuBootSetup.Apply(new VcpuBootState(CpuMode.Long64, 0x20_0000) { PageTableRoot = 0x9000 }, ref sregs);

        Assert.Equal(0x9000ul, sregs.Cr3);
        Assert.Equal(VcpuBootSetup.Cr4Pae, sregs.Cr4 & VcpuBootSetup.Cr4Pae);
        Assert.Equal(VcpuBootSetup.EferLme | VcpuBootSetup.EferLma, sregs.Efer);
        Assert.Equal(VcpuBootSetup.Cr0Pe | VcpuBootSetup.Cr0Pg, sregs.Cr0 & (VcpuBootSetup.Cr0Pe | VcpuBootSetup.Cr0Pg));
        Assert.Equal(1, sregs.Cs.L);
        Assert.Equal(0, sregs.Cs.Db);
    }

    [Fact]
    public void Long64_page_table_root_must_be_page_aligned() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var sregs = new KvmSregs();
            VcpuBootSetup.Apply(new VcpuBootState(CpuMode.Long64, 0x20_0000) { PageTableRoot = 0x9010 }, ref sregs);
        });
}
