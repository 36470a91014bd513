using System.Buffers.Binary;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Execution;
using Vmm.Emulation.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Emulation.Tests;

/// <summary>
/// Guest code switching modes by itself, as a boot stub does: real mode → protected mode (LGDT, CR0.PE, far
/// jump) → long mode (page tables built by the guest, CR4.PAE, CR3, EFER.LME by WRMSR, CR0.PG, far jump).
/// </summary>
public sealed class ModeSwitchTests
{
    private const ulong GdtAddress = 0x500;
    private const ulong GdtrAddress = 0x600;
    private const ulong ProtectedEntry = 0x2000;
    private const ulong LongEntry = 0x2800;
    private const ulong Tables = 0x10000;
    private const ushort Code32 = 0x08, Data = 0x10, Code64 = 0x18;

    [Fact]
    public void Real_to_protected_to_long_mode()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.cli();
            a.lgdt(__[GdtrAddress]);
            a.mov(eax, cr0);
            a.or(eax, 1);
            a.mov(cr0, eax);
            a.db(0xEA, 0x00, 0x20, 0x08, 0x00);                  // jmp 0x08:0x2000 (ProtectedEntry)
        }, prepare: g =>
        {
            WriteGdt(g);
            Load(g, 32, ProtectedEntry, a =>
            {
                a.mov(ax, Data);
                a.mov(ds, ax);
                a.mov(es, ax);
                a.mov(ss, ax);
                a.mov(esp, 0x8000);
                // Identity-map the first 2 MiB: PML4 → PDPT → PD with one large page.
                a.mov(edi, (uint)Tables);
                a.xor(eax, eax);
                a.mov(ecx, 0x3000 / 4);
                a.rep.stosd();
                a.mov(__dword_ptr[Tables], (uint)(Tables + 0x1000) | 3);
                a.mov(__dword_ptr[Tables + 0x1000], (uint)(Tables + 0x2000) | 3);
                a.mov(__dword_ptr[Tables + 0x2000], 0x83);
                a.mov(eax, cr4);
                a.or(eax, 0x20);                        // PAE
                a.mov(cr4, eax);
                a.mov(eax, (uint)Tables);
                a.mov(cr3, eax);
                a.mov(ecx, 0xC000_0080);                // EFER
                a.rdmsr();
                a.or(eax, 0x100);                       // LME
                a.wrmsr();
                a.mov(eax, cr0);
                a.or(eax, 0x8000_0000);                 // PG: long mode becomes active
                a.mov(cr0, eax);
                a.db(0xEA);                             // jmp 0x18:0x2800
                a.dd((uint)LongEntry);
                a.dw(Code64);
            });
            Load(g, 64, LongEntry, a =>
            {
                a.mov(rax, 0x1234_5678_9ABC_DEF0ul);
                a.mov(__qword_ptr[0x4000], rax);
                a.mov(ecx, 0xC000_0080);
                a.rdmsr();
                a.mov(ebx, eax);
                Label here = a.CreateLabel();
                a.Label(ref here);
                a.lea(rdx, __[here]);                   // RIP-relative addressing
                a.hlt();
            });
        });

        guest.RunToHalt();

        VcpuRegisters r = guest.Registers;
        Interpreter cpu = guest.Vcpu.Interpreter;
        Assert.Equal(0x1234_5678_9ABC_DEF0ul, guest.ReadQword(0x4000));
        Assert.Equal(0x500ul, r.Rbx);                   // EFER.LME | EFER.LMA
        Assert.True(r.Rdx > LongEntry && r.Rdx < LongEntry + 0x40, $"rdx 0x{r.Rdx:x}");
        Assert.Equal(64, cpu.CodeBitness);
        Assert.Equal(Code64, cpu.GetSegment(SegmentIndex.Cs).Selector);
        Assert.Equal(0x8000_0011ul, cpu.Cr0 & 0x8000_0011);
        Assert.Equal(Tables, cpu.Cr3);
    }

    [Fact]
    public void Protected_mode_back_to_real_mode_keeps_the_cached_limit()
    {
        // Unreal mode: load a 4 GiB data segment in protected mode, return to real mode, use 32-bit offsets.
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.cli();
            a.lgdt(__[GdtrAddress]);
            a.mov(eax, cr0);
            a.or(al, 1);
            a.mov(cr0, eax);
            a.mov(bx, Data);
            a.mov(fs, bx);                               // FS: base 0, limit 4 GiB
            a.and(al, 0xFE);
            a.mov(cr0, eax);                             // back to real mode, without a far jump: CS keeps its cache
            a.xor(bx, bx);
            a.mov(fs, bx);                               // a real-mode load sets the base, keeps the limit
            a.mov(ecx, 0x5A5A_5A5A);
            a.db(0x64, 0x66, 0x67, 0x89, 0x0D, 0x00, 0x00, 0x01, 0x00);   // mov fs:[0x10000],ecx
            a.hlt();
        }, prepare: WriteGdt);

        guest.RunToHalt();

        Assert.Equal(new byte[] { 0x5A, 0x5A, 0x5A, 0x5A }, guest.Memory(0x1_0000, 4).ToArray());
        Assert.Equal(0xFFFF_FFFFu, guest.Vcpu.Interpreter.GetSegment(SegmentIndex.Fs).Limit);
        Assert.Equal(16, guest.Vcpu.Interpreter.CodeBitness);
    }

    [Fact]
    public void A_far_jump_to_a_selector_past_the_gdt_limit_is_a_general_protection_fault()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.lgdt(__[GdtrAddress]);
            a.mov(eax, cr0);
            a.or(al, 1);
            a.mov(cr0, eax);
            a.db(0xEA, 0x00, 0x20, 0x40, 0x00);          // jmp 0x40:0x2000, past the 4-entry GDT
        }, prepare: WriteGdt);

        VcpuRunResult result = guest.Run(new ExitLog().Pipeline());

        // The IDT is the reset one (base 0, all zeros in RAM): the #GP cannot be delivered, nor the #DF.
        Assert.Equal(VcpuStopReason.Shutdown, result.Reason);
        Assert.Contains("#GP(0x40)", result.Detail);
        Assert.Contains("jmp far", result.Detail);
    }

    private static void WriteGdt(EmulatedGuest guest)
    {
        ulong[] gdt = [0, 0x00CF_9A00_0000_FFFF, 0x00CF_9200_0000_FFFF, 0x00AF_9A00_0000_FFFF];
        for (int i = 0; i < gdt.Length; i++)
            guest.WriteQword(GdtAddress + (ulong)i * 8, gdt[i]);
        BinaryPrimitives.WriteUInt16LittleEndian(guest.Memory(GdtrAddress, 2), (ushort)(gdt.Length * 8 - 1));
        BinaryPrimitives.WriteUInt32LittleEndian(guest.Memory(GdtrAddress + 2, 4), (uint)GdtAddress);
    }

    private static void Load(EmulatedGuest guest, int bitness, ulong address, Action<Assembler> program)
    {
        var assembler = new Assembler(bitness);
        program(assembler);
        var writer = new ListCodeWriter();
        assembler.Assemble(writer, address);
        writer.Bytes.ToArray().CopyTo(guest.Memory(address, writer.Bytes.Count));
    }
}
