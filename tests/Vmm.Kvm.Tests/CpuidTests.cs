using Vmm.Core.Hypervisor;
using Vmm.Kvm.Native;
using Vmm.Kvm.Tests.Guests;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

/// <summary>What CPUID a guest gets under a <see cref="CpuidPolicy"/>.</summary>
public sealed class CpuidTests
{
    private static readonly CpuidFeature s_fpu = new(1, CpuidRegister.Edx, 0);

    [Fact]
    public void Default_policy_hides_cmpxchg16b_xsave_and_osxsave()
    {
        Assert.Equal(
            [new CpuidFeature(1, CpuidRegister.Ecx, 13), new CpuidFeature(1, CpuidRegister.Ecx, 26), new CpuidFeature(1, CpuidRegister.Ecx, 27)],
            CpuidPolicy.CreateDefault().HiddenFeatures);
    }

    [Fact]
    public void Policy_clears_only_the_hidden_bits_of_the_matching_leaf_and_subleaf()
    {
        KvmCpuidEntry2[] entries =
        [
            new() { Function = 1, Ecx = 0xFFFF_FFFF, Edx = 0xFFFF_FFFF },
            new() { Function = 7, Index = 0, Flags = KvmCpuidEntry2.FlagSignificantIndex, Ebx = 0xFFFF_FFFF },
            new() { Function = 7, Index = 1, Flags = KvmCpuidEntry2.FlagSignificantIndex, Ebx = 0xFFFF_FFFF },
            new() { Function = 0x8000_0001, Ecx = 0xFFFF_FFFF },
        ];

        CpuidPolicy.CreateDefault().Hide(new CpuidFeature(7, CpuidRegister.Ebx, 5)).Apply(entries);

        Assert.Equal(~((1u << 13) | (1u << 26) | (1u << 27)), entries[0].Ecx);
        Assert.Equal(0xFFFF_FFFFu, entries[0].Edx);
        Assert.Equal(~(1u << 5), entries[1].Ebx);
        Assert.Equal(0xFFFF_FFFFu, entries[2].Ebx);
        Assert.Equal(0xFFFF_FFFFu, entries[3].Ecx);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(32)]
    public void Hiding_a_bit_outside_0_to_31_is_refused(int bit) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuidPolicy.CreateEmpty().Hide(new CpuidFeature(1, CpuidRegister.Ecx, bit)));

    [Fact]
    public void Hypervisor_filters_the_supported_cpuid_with_its_policy()
    {
        KvmRequirement.SkipUnlessAvailable();
        using var plain = new KvmHypervisor(CpuidPolicy.CreateEmpty());
        using var filtered = new KvmHypervisor(CpuidPolicy.CreateEmpty().Hide(s_fpu));

        uint plainEdx = Leaf1(plain.SupportedCpuid.ToArray()).Edx;
        uint filteredEdx = Leaf1(filtered.SupportedCpuid.ToArray()).Edx;

        Assert.Equal(1u, plainEdx & 1);
        Assert.Equal(plainEdx & ~1u, filteredEdx);
    }

    [Fact]
    public void Guest_cpuid_shows_the_policy_bits_cleared()
    {
        using var guest = TestGuest.Start(CpuMode.Real, a =>
        {
            a.mov(eax, 1);
            a.xor(ecx, ecx);
            a.cpuid();
            a.hlt();
        }, cpuid: CpuidPolicy.CreateDefault().Hide(s_fpu));
        KvmCpuidEntry2 held = Leaf1(guest.Vcpu.GetCpuid());
        if ((held.Edx & 1) != 0 || (held.Ecx & (1u << 26)) != 0)
        {
            Assert.Skip($"this KVM does not keep the table given to KVM_SET_CPUID2: KVM_GET_CPUID2 answers leaf 1 "
                + $"ECX={held.Ecx:x8} EDX={held.Edx:x8} with XSAVE/FPU still set, so no policy can reach the guest");
        }

        Assert.Equal(VcpuStopReason.Halted, guest.Run(new ExitLog().Pipeline(ExitLog.StopOnHalt)).Reason);
        VcpuRegisters leaf1 = guest.Vcpu.GetRegisters();

        Assert.Equal(0ul, leaf1.Rdx & 1);
        Assert.Equal(0ul, leaf1.Rcx & ((1ul << 13) | (1ul << 26) | (1ul << 27)));
        Assert.Equal(0ul, leaf1.Rbx >> 24); // initial APIC id of vCPU 0
    }

    private static KvmCpuidEntry2 Leaf1(KvmCpuidEntry2[] entries) => Assert.Single(entries, e => e.Function == 1);
}
