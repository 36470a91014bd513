using System.Buffers.Binary;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Support;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Emulation.Tests.Support.Flag;

namespace Vmm.Emulation.Tests;

/// <summary>
/// Behaviours where the reference machine (KVM on this host, which emulates every instruction with its
/// own emulator) differs from a naive reading of the manuals, each found by comparing the two backends.
/// </summary>
public sealed class KvmParityRegressionTests
{
    [Fact]
    public void Rep_insw_with_df_clear_stores_its_batch_to_mmio_in_one_access()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.cld();
            a.mov(dx, 0x60);
            a.mov(edi, EmulatedGuest.MmioAddress + 0x80);
            a.mov(ecx, 2);
            a.rep.insw();
            a.hlt();
        });

        ExitLog log = guest.RunToHalt((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.IoIn)
                new byte[] { 1, 1, 2, 2 }.CopyTo(exit.Data);
        });

        RecordedExit write = log.Single(ExitKind.MmioWrite);
        Assert.Equal(4, write.Size);
        Assert.Equal(new byte[] { 1, 1, 2, 2 }, write.Data);
    }

    [Fact]
    public void Rep_insw_with_df_set_rereads_the_port_after_an_element_goes_to_mmio()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.std();
            a.mov(dx, 0x60);
            a.mov(edi, EmulatedGuest.MmioAddress + 0x92);
            a.mov(ecx, 2);
            a.rep.insw();
            a.cld();
            a.hlt();
        });
        byte next = 3;

        ExitLog log = guest.RunToHalt((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.IoIn)
            {
                for (int i = 0; i < exit.Data.Length; i += 2)
                    exit.Data[i] = exit.Data[i + 1] = next++;
            }
        });

        // KVM reads two words ahead, stores the first, and drops the second after that MMIO exit.
        Assert.Equal([ExitKind.IoIn, ExitKind.MmioWrite, ExitKind.IoIn, ExitKind.MmioWrite, ExitKind.Halt], log.Exits.Select(e => e.Kind));
        Assert.Equal([2, 1], log.OfKind(ExitKind.IoIn).Select(e => e.Count));
        Assert.Equal(new byte[] { 5, 5 }, log.OfKind(ExitKind.MmioWrite)[1].Data);
    }

    [Fact]
    public void Loop_with_an_address_size_prefix_in_32_bit_code_counts_cx()
    {
        // mov ecx,0x10001; addr16 loop $ (counts CX to 0 at once: ECX keeps its upper half); hlt
        byte[] code = [0xB9, 0x01, 0x00, 0x01, 0x00, 0x67, 0xE2, 0xFD];
        VcpuRegisters after = Snippet.Run(CpuMode.Protected32, code);

        Assert.Equal(0x1_0000ul, after.Rcx);
    }

    [Fact]
    public void A_page_fault_frame_carries_rf_in_the_pushed_rflags()
    {
        const ulong idt = 0x6000, handler = 0x2000;
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.lgdt(__[0x6810]);
            a.lidt(__[0x6800]);
            a.mov(rax, 0x80_0000_0000ul);          // PML4 entry 1: not present
            a.mov(rbx, __qword_ptr[rax]);
            a.hlt();
        }, prepare: g =>
        {
            // A GDT with the boot code segment at 0x08 (64-bit) and data at 0x10.
            g.WriteQword(0x7008, 0x00AF_9A00_0000_FFFF);
            g.WriteQword(0x7010, 0x00CF_9200_0000_FFFF);
            BinaryPrimitives.WriteUInt16LittleEndian(g.Memory(0x6810, 2), 23);
            g.WriteQword(0x6812, 0x7000);
            BinaryPrimitives.WriteUInt16LittleEndian(g.Memory(0x6800, 2), 15 * 16 - 1);
            g.WriteQword(0x6802, idt);
            // A 64-bit interrupt gate for #PF to the boot code segment (0x08).
            g.WriteQword(idt + 14 * 16, (handler & 0xFFFF) | (8ul << 16) | (0x8E00ul << 32) | ((handler >> 16) << 48));
            g.WriteQword(idt + 14 * 16 + 8, 0);
            // The handler: pop the error code into rcx, the RIP into rdx, skip CS, pop RFLAGS into rsi; hlt.
            new byte[] { 0x59, 0x5A, 0x58, 0x5E, 0xF4 }.CopyTo(g.Memory(handler, 5));
        });

        guest.RunToHalt();

        VcpuRegisters r = guest.Registers;
        Assert.Equal(0ul, r.Rcx);                                      // not present, read, supervisor
        Assert.Equal(EmulatedGuest.CodeAddress + 8 + 8 + 10, r.Rdx);    // the faulting MOV, after LGDT, LIDT and MOV RAX
        Assert.Equal(1ul << 16, r.Rsi & (1ul << 16));                   // RF
        Assert.Equal(0x80_0000_0000ul, guest.Vcpu.Interpreter.Cr2);
    }

    [Fact]
    public void Cmpxchg8b_swaps_edx_eax_with_ecx_ebx_and_touches_only_zf()
    {
        // cmpxchg8b [0x3000] twice: the first matches EDX:EAX, the second does not and loads it.
        byte[] code = [0x0F, 0xC7, 0x0D, 0x00, 0x30, 0x00, 0x00, 0x0F, 0xC7, 0x0D, 0x00, 0x30, 0x00, 0x00];
        using EmulatedGuest guest = Snippet.Start(CpuMode.Protected32, code, (ref VcpuRegisters r) =>
        {
            r.Rdx = 0x1111_1111;
            r.Rax = 0x2222_2222;
            r.Rcx = 0x3333_3333;
            r.Rbx = 0x4444_4444;
            r.Rflags = Reserved | CF | SF;
        }, g => g.WriteQword(0x3000, 0x1111_1111_2222_2222));

        guest.RunToHalt();

        VcpuRegisters after = guest.Registers;
        Assert.Equal(0x3333_3333_4444_4444ul, guest.ReadQword(0x3000));
        Assert.Equal((0x3333_3333ul, 0x4444_4444ul), (after.Rdx, after.Rax));
        Assert.Equal(CF | SF, after.Rflags & Status);
    }
}
