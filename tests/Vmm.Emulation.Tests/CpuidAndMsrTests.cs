using System.Text;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Emulation.Tests;

/// <summary>CPUID from the table, the MSRs the emulator models, and the instruction-count TSC.</summary>
public sealed class CpuidAndMsrTests
{
    private static VcpuRegisters RunCpuid(uint leaf, uint subleaf, EmulatorOptions? options = null)
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.mov(eax, leaf);
            a.mov(ecx, subleaf);
            a.cpuid();
            a.hlt();
        }, options: options);
        guest.RunToHalt();
        return guest.Registers;
    }

    [Fact]
    public void The_default_table_names_the_vendor_and_the_implemented_features()
    {
        VcpuRegisters leaf0 = RunCpuid(0, 0);
        VcpuRegisters leaf1 = RunCpuid(1, 0);
        VcpuRegisters extended = RunCpuid(0x8000_0001, 0);

        string vendor = Encoding.ASCII.GetString([.. BitConverter.GetBytes((uint)leaf0.Rbx), .. BitConverter.GetBytes((uint)leaf0.Rdx), .. BitConverter.GetBytes((uint)leaf0.Rcx)]);
        Assert.Equal(CpuidTable.DefaultVendor, vendor);
        Assert.True(leaf0.Rax >= 1);
        const uint tsc = 1 << 4, msr = 1 << 5, pae = 1 << 6, cx8 = 1 << 8, cmov = 1 << 15, fpu = 1 << 0, sse2 = 1 << 26;
        Assert.Equal(tsc | msr | pae | cx8 | cmov, (uint)leaf1.Rdx & (tsc | msr | pae | cx8 | cmov));
        Assert.Equal(0u, (uint)leaf1.Rdx & (fpu | sse2));
        Assert.Equal(1u << 31, (uint)leaf1.Rcx & (1u << 31));       // the hypervisor bit
        Assert.Equal(0u, (uint)(leaf1.Rbx >> 24));                   // vCPU 0's APIC id
        Assert.Equal(1u << 29, (uint)extended.Rdx & (1u << 29));      // long mode
    }

    [Fact]
    public void A_custom_table_answers_per_leaf_and_subleaf()
    {
        CpuidTable table = CpuidTable.CreateEmpty()
            .Set(7, new CpuidResult(1, 2, 3, 4))
            .Set(7, 1, new CpuidResult(5, 6, 7, 8));
        var options = new EmulatorOptions { CpuidTable = table };

        VcpuRegisters any = RunCpuid(7, 0, options);
        VcpuRegisters one = RunCpuid(7, 1, options);
        VcpuRegisters missing = RunCpuid(0x1234, 0, options);

        Assert.Equal((1ul, 2ul, 3ul, 4ul), (any.Rax, any.Rbx, any.Rcx, any.Rdx));
        Assert.Equal((5ul, 6ul, 7ul, 8ul), (one.Rax, one.Rbx, one.Rcx, one.Rdx));
        Assert.Equal((0ul, 0ul, 0ul, 0ul), (missing.Rax, missing.Rbx, missing.Rcx, missing.Rdx));
    }

    [Fact]
    public void Each_vcpu_takes_a_copy_of_the_table_when_it_is_created()
    {
        CpuidTable table = CpuidTable.CreateDefault();
        var options = new EmulatorOptions { CpuidTable = table };
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.mov(eax, 0x4000_0000);
            a.cpuid();
            a.hlt();
        }, options: options);
        table.Set(0x4000_0000, new CpuidResult(0xBAD, 0, 0, 0));

        guest.RunToHalt();

        Assert.Equal(0x4000_0000ul, guest.Registers.Rax);
    }

    [Fact]
    public void Efer_reads_back_and_the_lma_bit_cannot_be_written()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.mov(ecx, 0xC000_0080);
            a.rdmsr();
            a.mov(ebx, eax);
            a.bts(eax, 11);                             // NXE
            a.wrmsr();
            a.rdmsr();
            a.hlt();
        });

        guest.RunToHalt();

        Assert.Equal(0x500ul, guest.Registers.Rbx);
        Assert.Equal(0xD00ul, guest.Registers.Rax);
    }

    [Fact]
    public void Fs_and_gs_base_msrs_move_the_segment_bases_in_long_mode()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.mov(ecx, 0xC000_0100);                    // FS.base
            a.mov(eax, 0x3000);
            a.xor(edx, edx);
            a.wrmsr();
            a.db(0x64, 0x48, 0x8B, 0x1C, 0x25, 0x10, 0x00, 0x00, 0x00);   // mov rbx,fs:[0x10]
            a.hlt();
        }, prepare: g => g.WriteQword(0x3010, 0xFEED_F00D));

        guest.RunToHalt();

        Assert.Equal(0xFEED_F00Dul, guest.Registers.Rbx);
    }

    [Fact]
    public void The_tsc_counts_retired_instructions_times_the_increment_and_can_be_written()
    {
        var options = new EmulatorOptions { TscIncrementPerInstruction = 10 };
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.nop();
            a.nop();
            a.rdtsc();                                  // 2 instructions before it
            a.mov(esi, eax);
            a.mov(ecx, 0x10);                           // IA32_TIME_STAMP_COUNTER
            a.mov(eax, 1000);
            a.xor(edx, edx);
            a.wrmsr();                                  // TSC = 1000 at the WRMSR
            a.rdtsc();                                  // one instruction later
            a.hlt();
        }, options: options);

        guest.RunToHalt();

        Assert.Equal(20ul, guest.Registers.Rsi);
        Assert.Equal(1010ul, guest.Registers.Rax);
    }
}
