using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Support;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Emulation.Tests;

/// <summary>
/// The 4-level walk with 4 KiB, 2 MiB and 1 GiB pages, accessed and dirty bits, permissions, and TLB
/// flushes on CR3 writes and INVLPG. <see cref="EmulatedGuest"/> identity-maps the first GiB with 2 MiB pages;
/// these tests add their own mappings next to it.
/// </summary>
public sealed class PagingTests
{
    private const ulong Present = 1, Writable = 2, Accessed = 0x20, Dirty = 0x40, Large = 0x80;
    private const ulong NoExecute = 1ul << 63;
    private const ulong Pml4 = EmulatedGuest.PageTables;
    private const ulong Pdpt = Pml4 + 0x1000;
    private const ulong PdLow = Pml4 + 0x2000;
    private const ulong ExtraPd = 0x20000, ExtraPt = 0x21000, ExtraPdpt = 0x22000;

    /// <summary>Linear 1 GiB + 0 is mapped through ExtraPd/ExtraPt with 4 KiB pages.</summary>
    private const ulong SmallPageLinear = 0x4000_0000;

    private static void MapSmallPage(EmulatedGuest g, ulong linear, ulong physical, ulong flags = Present | Writable)
    {
        g.WriteQword(Pdpt + (linear >> 30) * 8, ExtraPd | Present | Writable);
        g.WriteQword(ExtraPd + ((linear >> 21) & 511) * 8, ExtraPt | Present | Writable);
        g.WriteQword(ExtraPt + ((linear >> 12) & 511) * 8, physical | flags);
    }

    [Fact]
    public void A_4_KiB_page_maps_a_linear_address_to_another_physical_one()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.mov(rbx, SmallPageLinear + 0x123);
            a.mov(__dword_ptr[rbx], 0xCAFE);
            a.mov(ecx, __dword_ptr[rbx]);
            a.hlt();
        }, prepare: g => MapSmallPage(g, SmallPageLinear, 0x5000));

        guest.RunToHalt();

        Assert.Equal(0xCAFEul, guest.Registers.Rcx);
        Assert.Equal(new byte[] { 0xFE, 0xCA }, guest.Memory(0x5123, 2).ToArray());
        // The walk set A on every level and D on the leaf it wrote through.
        Assert.Equal(Accessed | Dirty, guest.ReadQword(ExtraPt) & (Accessed | Dirty));
        Assert.Equal(Accessed, guest.ReadQword(ExtraPd) & Accessed);
    }

    [Fact]
    public void A_1_GiB_page_maps_through_the_pdpt()
    {
        const ulong linear = 0x80_0000_0000;    // PML4 entry 1
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.mov(rbx, linear + 0x3000);
            a.mov(rcx, __qword_ptr[rbx]);
            a.hlt();
        }, prepare: g =>
        {
            g.WriteQword(Pml4 + 8, ExtraPdpt | Present | Writable);
            g.WriteQword(ExtraPdpt, 0 | Present | Writable | Large);     // 1 GiB page at physical 0
            g.WriteQword(0x3000, 0x0123_4567_89AB_CDEF);
        });

        guest.RunToHalt();

        Assert.Equal(0x0123_4567_89AB_CDEFul, guest.Registers.Rcx);
    }

    [Fact]
    public void Writing_cr3_flushes_the_tlb_and_invlpg_does_too()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.mov(rbx, SmallPageLinear);
            a.mov(ecx, __dword_ptr[rbx]);        // physical 0x5000: 0x11 (now cached)
            a.mov(__qword_ptr[ExtraPt], (int)(0x6000 | Present | Writable));
            a.mov(rax, cr3);
            a.mov(cr3, rax);
            a.mov(edx, __dword_ptr[rbx]);        // physical 0x6000: 0x22
            a.mov(__qword_ptr[ExtraPt], (int)(0x7000 | Present | Writable));
            a.invlpg(__[rbx]);
            a.mov(esi, __dword_ptr[rbx]);        // physical 0x7000: 0x33
            a.hlt();
        }, prepare: g =>
        {
            MapSmallPage(g, SmallPageLinear, 0x5000);
            g.Memory(0x5000, 1)[0] = 0x11;
            g.Memory(0x6000, 1)[0] = 0x22;
            g.Memory(0x7000, 1)[0] = 0x33;
        });

        guest.RunToHalt();

        VcpuRegisters r = guest.Registers;
        Assert.Equal(0x11ul, r.Rcx);
        Assert.Equal(0x22ul, r.Rdx);
        Assert.Equal(0x33ul, r.Rsi);
    }

    [Fact]
    public void A_not_present_page_is_a_page_fault_naming_the_address()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.mov(rbx, SmallPageLinear + 0x10);
            a.mov(ecx, __dword_ptr[rbx]);
            a.hlt();
        }, prepare: g => MapSmallPage(g, SmallPageLinear, 0x5000, flags: 0));
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline());

        // No IDT (the reset one, over zeroed RAM): #PF, then #DF, cannot be delivered.
        Assert.Equal(VcpuStopReason.Shutdown, result.Reason);
        Assert.Contains("#PF(0x0)", result.Detail);
        Assert.Contains("0x40000010", result.Detail);
        Assert.Equal(ExitKind.Shutdown, Assert.Single(log.Exits).Kind);
    }

    [Fact]
    public void Writing_a_read_only_page_faults_when_cr0_wp_is_set()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.mov(rbx, SmallPageLinear);
            a.mov(__byte_ptr[rbx], 1);           // WP clear: a supervisor write to a read-only page is allowed
            a.mov(rax, cr0);
            a.bts(rax, 16);
            a.mov(cr0, rax);
            a.mov(__byte_ptr[rbx], 2);           // WP set: #PF with P and W in the error code
            a.hlt();
        }, prepare: g => MapSmallPage(g, SmallPageLinear, 0x5000, flags: Present));

        VcpuRunResult result = guest.Run(new ExitLog().Pipeline());

        Assert.Equal(VcpuStopReason.Shutdown, result.Reason);
        Assert.Contains("#PF(0x3)", result.Detail);
        Assert.Equal(1, guest.Memory(0x5000, 1)[0]);
    }

    [Fact]
    public void Executing_from_a_no_execute_page_faults_when_efer_nxe_is_set()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.mov(ecx, 0xC000_0080);
            a.rdmsr();
            a.bts(eax, 11);                      // NXE
            a.wrmsr();
            a.mov(rax, SmallPageLinear);
            a.jmp(rax);
        }, prepare: g =>
        {
            MapSmallPage(g, SmallPageLinear, 0x5000, flags: Present | NoExecute);
            g.Memory(0x5000, 1)[0] = 0xF4;
        });

        VcpuRunResult result = guest.Run(new ExitLog().Pipeline());

        Assert.Equal(VcpuStopReason.Shutdown, result.Reason);
        Assert.Contains("#PF(0x11)", result.Detail);
    }

    [Fact]
    public void An_access_crossing_two_pages_uses_both_translations()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.mov(rbx, SmallPageLinear + 0xFFE);
            a.mov(__dword_ptr[rbx], 0x4433_2211);
            a.mov(ecx, __dword_ptr[rbx]);
            a.hlt();
        }, prepare: g =>
        {
            MapSmallPage(g, SmallPageLinear, 0x5000);
            MapSmallPage(g, SmallPageLinear + 0x1000, 0x9000);      // not the next physical page
        });

        guest.RunToHalt();

        Assert.Equal(0x4433_2211ul, guest.Registers.Rcx);
        Assert.Equal(new byte[] { 0x11, 0x22 }, guest.Memory(0x5FFE, 2).ToArray());
        Assert.Equal(new byte[] { 0x33, 0x44 }, guest.Memory(0x9000, 2).ToArray());
    }
}
