using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Differential.Harness;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Emulation.Tests.Differential.Harness.GuestLayout;

namespace Vmm.Emulation.Tests.Differential.Guests;

/// <summary>Guests about CPU modes: real-mode segmentation, long-mode register rules, and the mode switches a boot loader does.</summary>
internal static class ModeGuests
{
    private const uint Cr0Pe = 1, Cr0Pg = 0x8000_0000, Cr4Pae = 0x20, EferMsr = 0xC000_0080, EferLme = 0x100, EferLma = 0x400;

    public static IEnumerable<GuestProgram> All =>
    [
        new("real_mode_segments_and_16_bit_address_wrap", CpuMode.Real, a =>
        {
            a.mov(ax, 0x0400);
            a.mov(ds, ax);                          // DS base 0x4000
            a.mov(__word_ptr[0x10], 0x1234);        // linear 0x4010
            a.mov(ax, 0x0401);
            a.mov(es, ax);                          // ES base 0x4010
            a.mov(bx, __word_ptr.es[0]);
            a.OutValue(bx);
            a.mov(bx, 0x10);
            a.mov(si, 6);
            a.mov(__word_ptr[bx + si + 2], 0xBEEF); // DS:0x18
            a.mov(ax, __word_ptr[bx + 8]);
            a.OutValue(ax);
            a.mov(__byte_ptr[1], 0x5A);
            a.mov(bx, 0xFFFF);
            a.mov(al, __byte_ptr[bx + 2]);          // 0xFFFF + 2 wraps to DS:0x0001
            a.OutValue(al);
            a.lea(cx, __[bx + si + 0x7FFF]);        // 16-bit effective address arithmetic wraps too
            a.OutValue(cx);
            a.push(ds);
            a.pop(es);
            a.OutValue(es);
            a.mov(ax, ss);
            a.mov(ds, ax);
            a.mov(es, ax);
            a.sub(ax, 1);
            a.hlt();
        }),

        new("real_to_protected32_with_lgdt_and_far_jump", CpuMode.Real, a =>
        {
            a.cli();
            a.mov(ax, 0x1234);
            a.OutValue(ax);
            a.lgdt(__[GdtrAddress]);
            a.mov(eax, cr0);
            a.or(eax, Cr0Pe);
            a.mov(cr0, eax);
            a.jmp(Code32Selector, (uint)Code32Address);
        })
        {
            MoreCode =
            [
                new CodeBlock(32, Code32Address, a =>
                {
                    LoadFlatDataSegments(a);
                    a.mov(esp, (uint)StackTop - 0x100);
                    a.OutValue(cs);
                    a.OutValue(ss);
                    a.mov(eax, cr0);
                    a.and(eax, Cr0Pe | Cr0Pg);
                    a.OutValue(eax);
                    a.mov(ebx, (uint)DataAddress);
                    a.mov(ecx, 3);
                    a.mov(__dword_ptr[ebx + ecx * 4 + 0x10], 0xCAFE_BABE);
                    a.mov(edx, __dword_ptr[DataAddress + 0x1C]);
                    a.OutValue(edx);
                    a.push(0x1122_3344);
                    a.pop(esi);
                    a.OutValue(esi);
                    a.OutValue(esp);
                    a.add(esi, edx);
                    a.hlt();
                }),
            ],
            Check = t => Assert.Contains(t.Exits, e => e.Kind == ExitKind.IoOut && e.Data.SequenceEqual(new byte[] { 0xBE, 0xBA, 0xFE, 0xCA })),
        },

        new("protected32_to_long64_with_pae_efer_and_paging", CpuMode.Protected32, a =>
        {
            a.lgdt(__[GdtrAddress]);
            EnterLongMode(a);
        })
        {
            MoreCode =
            [
                new CodeBlock(64, Code64Address, a =>
                {
                    a.mov(ecx, EferMsr);
                    a.rdmsr();
                    a.and(eax, EferLme | EferLma);
                    a.OutValue(eax);
                    a.OutValue(cs);
                    a.mov(rax, 0x1234_5678_9ABC_DEF0ul);
                    a.OutValue(rax);
                    var here = a.CreateLabel();
                    a.Label(ref here);
                    a.lea(rbx, __[here]);                 // RIP-relative
                    a.OutValue(rbx);
                    a.mov(r8, -1L);
                    a.mov(r8d, 5);                        // a 32-bit write zero-extends
                    a.OutValue(r8);
                    a.push(rax);
                    a.pop(r9);
                    a.OutValue(rsp);
                    a.add(r9, r8);
                    a.hlt();
                }),
            ],
            Check = t => Assert.Equal(EferLme | EferLma, FirstValue(t)),
        },

        new("real_to_protected32_to_long64_boot_chain_with_mmio", CpuMode.Real, a =>
        {
            a.cli();
            a.lgdt(__[GdtrAddress]);
            a.mov(eax, cr0);
            a.or(eax, Cr0Pe);
            a.mov(cr0, eax);
            a.jmp(Code32Selector, (uint)Code32Address);
        })
        {
            MoreCode =
            [
                new CodeBlock(32, Code32Address, a =>
                {
                    LoadFlatDataSegments(a);
                    a.mov(eax, cr0);
                    a.and(eax, Cr0Pe | Cr0Pg);
                    a.OutValue(eax);
                    EnterLongMode(a);
                }),
                new CodeBlock(64, Code64Address, a =>
                {
                    a.mov(rax, cr0);
                    a.mov(ecx, Cr0Pe | Cr0Pg);
                    a.and(rax, rcx);
                    a.OutValue(rax);
                    a.mov(rax, cr4);
                    a.and(eax, Cr4Pae);
                    a.OutValue(eax);
                    a.mov(rax, cr3);
                    a.OutValue(rax);
                    a.mov(ebx, (uint)MmioBase);           // zero-extended: below 4 GiB, identity-mapped
                    a.mov(rax, 0x0102_0304_0506_0708ul);
                    a.mov(__qword_ptr[rbx + 0x40], rax);
                    a.mov(rdx, __qword_ptr[rbx + 0x40]);
                    a.OutValue(rdx);
                    a.mov(r15, __qword_ptr[rbx + 0x100]); // the register file's pattern
                    a.OutValue(r15);
                    a.sub(rdx, rax);
                    a.hlt();
                }),
            ],
            Check = t => Assert.Contains(t.Exits, e => e.Kind == ExitKind.MmioWrite && e.Size == 8 && e.Address == MmioBase + 0x40),
        },

        new("long64_register_width_rules", CpuMode.Long64, a =>
        {
            a.OutValue(cs);
            a.OutValue(ss);
            a.mov(rax, -1L);
            a.mov(eax, 0x1234_5678);                  // zero-extends
            a.OutValue(rax);
            a.mov(rbx, -1L);
            a.mov(bx, 0x1234);                        // keeps bits 16-63
            a.OutValue(rbx);
            a.mov(rcx, -1L);
            a.mov(cl, 0x56);
            a.mov(ch, 0x78);
            a.OutValue(rcx);
            a.mov(rdx, -1L);
            a.add(edx, 1);                            // 32-bit result 0, zero-extended; CF ZF
            a.OutFlags();
            a.OutValue(rdx);
            a.mov(r10d, 0x8000_0000);
            a.movsxd(r11, r10d);
            a.OutValue(r11);
            a.mov(r12, 0x8000_0000_0000_0000ul);
            a.sub(r12, 1);                            // OF
            a.OutFlags();
            a.OutValue(r12);
            a.mov(sil, 0xAB);                         // REX byte registers
            a.mov(dil, 0xCD);
            a.movzx(r13d, sil);
            a.movsx(r14, dil);
            a.OutValue(r13);
            a.OutValue(r14);
            a.mov(r15, -1L);
            a.mov(esi, 7);
            a.test(esi, esi);                         // ZF=0: cmovz does not move ...
            a.cmovz(r15d, esi);                       // ... but still zero-extends r15d
            a.OutValue(r15);
            a.mov(r8, 0x0123_4567_89AB_CDEFul);
            a.mov(r9, 0x10);
            a.xchg(r8, r9);
            a.lea(r10, __[r8 + r9 * 8 - 0x20]);
            a.OutValue(r10);
            a.imul(r11, r10, -3);
            a.OutFlags(Flags.PF | Flags.AF | Flags.ZF | Flags.SF);
            a.OutValue(r11);
            a.add(r11, r10);
            a.hlt();
        }),

        new("protected32_addressing_modes", CpuMode.Protected32, a =>
        {
            a.mov(ebx, (uint)DataAddress);
            for (int i = 0; i < 16; i++)
                a.mov(__dword_ptr[ebx + i * 4], (uint)(0x1000_0000 * (i & 7) + i * 0x0101));
            a.mov(esi, 2);
            a.mov(eax, __dword_ptr[ebx + esi * 1 + 2]);
            a.OutValue(eax);
            a.mov(eax, __dword_ptr[ebx + esi * 2 + 4]);
            a.OutValue(eax);
            a.mov(eax, __dword_ptr[ebx + esi * 4 - 4]);
            a.OutValue(eax);
            a.mov(eax, __dword_ptr[esi * 8 + (int)DataAddress + 8]);   // no base
            a.OutValue(eax);
            a.mov(ebp, (uint)DataAddress + 0x40);
            a.mov(eax, __dword_ptr[ebp - 0x10]);                      // EBP base: SS
            a.OutValue(eax);
            a.mov(ecx, 0xFFFF_FFF0);
            a.mov(eax, __dword_ptr[ebx + ecx + 0x14]);                // 32-bit wrap-around of base + index
            a.OutValue(eax);
            a.lea(edx, __[ebx + esi * 8 + 0x7FFF_FFFF]);
            a.OutValue(edx);
            a.lea(edi, __[esi + esi * 4]);
            a.OutValue(edi);
            a.mov(al, 9);
            a.xlatb();                                                // AL = [EBX + AL]
            a.OutValue(eax);
            a.mov(ax, __word_ptr[ebx + 0x0D]);                        // unaligned
            a.OutValue(ax);
            a.cmp(eax, edx);
            a.hlt();
        }),

        new("long64_compatibility_mode_round_trip", CpuMode.Long64, a =>
        {
            a.lgdt(__[GdtrAddress]);
            a.mov(__dword_ptr[DataAddress + 0x10], (uint)Code32Address);
            a.mov(__word_ptr[DataAddress + 0x14], Code32Selector);
            a.jmp(__fword_ptr[DataAddress + 0x10]);           // JMP m16:32 to a 32-bit code segment: compatibility mode
        })
        {
            MoreCode =
            [
                new CodeBlock(32, Code32Address, a =>
                {
                    a.mov(eax, 0x7FFF_FFFF);
                    a.inc(eax);                                 // 0x40: INC EAX here, a REX prefix in 64-bit mode
                    a.OutValue(eax);
                    a.push(0x1122_3344);                        // 4 bytes
                    a.OutValue(esp);
                    a.pop(ecx);
                    a.OutValue(ecx);
                    a.OutValue(cs);
                    a.jmp(Code64Selector, (uint)Code64Address);
                }),
                new CodeBlock(64, Code64Address, a =>
                {
                    // Intel leaves the upper halves of registers written in compatibility mode undefined
                    // (SDM Vol. 1 3.4.1.1): set every register the 32-bit code wrote.
                    a.mov(eax, 0);
                    a.mov(ecx, 0);
                    a.mov(edx, 0);
                    a.OutValue(cs);
                    a.mov(rax, -1L);
                    a.nop();                                    // 0x90: not XCHG EAX, EAX, so RAX stays
                    a.OutValue(rax);
                    a.db(0x87, 0xC0);                           // XCHG EAX, EAX: a 32-bit write, zero-extends
                    a.OutValue(rax);
                    a.mov(rbx, -1L);
                    a.db(0x40, 0xFF, 0xC3);                     // INC EBX with an empty REX prefix
                    a.OutValue(rbx);
                    a.add(rbx, 1);
                    a.hlt();
                }),
            ],
        },

        new("protected32_16_bit_address_size_override", CpuMode.Protected32, a =>
        {
            a.mov(__dword_ptr[DataAddress + 0x10], 0xABCD_1234);
            a.mov(__byte_ptr[DataAddress + 0x1], 0x77);
            a.mov(ebx, 0x1234_0000 | (uint)DataAddress);
            a.mov(esi, 0xFFFF_0010);
            a.mov(eax, __dword_ptr[bx + si]);               // 67: BX + SI, 16 bits: 0x4010
            a.OutValue(eax);
            a.lea(eax, __[bx + si + 0xFFF0]);               // wraps to 0x4000, zero-extended
            a.OutValue(eax);
            a.mov(bx, 0xFFFF);
            a.mov(al, __byte_ptr[bx + (int)DataAddress + 2]);   // wraps to 0x4001
            a.OutValue(eax);
            a.cld();
            a.mov(esi, 0xABCD_0000 | (uint)DataAddress);
            a.mov(edi, 0xABCD_0000 | (uint)DataAddress + 0x100);
            a.mov(ecx, 0xFFFF_0003);
            a.db(0x67);                                     // REP MOVSB with SI, DI and CX
            a.rep.movsb();
            a.OutValue(esi);
            a.OutValue(edi);
            a.OutValue(ecx);
            var zero = a.CreateLabel();
            a.mov(edx, 0);
            a.mov(ecx, 0x0001_0000);
            a.db(0x67);                                     // JCXZ: CX is 0, ECX is not
            a.jecxz(zero);
            a.mov(edx, 0xBAD);
            a.Label(ref zero);
            a.OutValue(edx);
            a.cmp(ecx, esi);
            a.hlt();
        }),

        new("protected32_loop_with_16_bit_address_size", CpuMode.Protected32, a =>
        {
            // LOOP counts the register of its address size (Intel SDM Vol. 2 LOOP): with 67, CX.
            var again = a.CreateLabel();
            a.mov(ecx, 0x0001_0002);
            a.Label(ref again);
            a.db(0x67);
            a.loop(again);
            a.OutValue(ecx);
            var equal = a.CreateLabel();
            a.mov(ecx, 0x0001_0003);
            a.mov(eax, 0);
            a.Label(ref equal);
            a.cmp(eax, 0);
            a.db(0x67);
            a.loope(equal);
            a.OutValue(ecx);
            a.cmp(ecx, eax);
            a.hlt();
        }),
    ];

    private static void LoadFlatDataSegments(Assembler a)
    {
        a.mov(ax, DataSelector);
        a.mov(ds, ax);
        a.mov(es, ax);
        a.mov(fs, ax);
        a.mov(gs, ax);
        a.mov(ss, ax);
    }

    /// <summary>From 32-bit protected mode with the flat GDT loaded: PAE, CR3, EFER.LME, paging, far jump (Intel SDM Vol. 3A 10.8.5).</summary>
    private static void EnterLongMode(Assembler a)
    {
        a.mov(eax, cr4);
        a.or(eax, Cr4Pae);
        a.mov(cr4, eax);
        a.mov(eax, (uint)Pml4Address);
        a.mov(cr3, eax);
        a.mov(ecx, EferMsr);
        a.rdmsr();
        a.or(eax, EferLme);
        a.wrmsr();
        a.mov(eax, cr0);
        a.or(eax, Cr0Pg);
        a.mov(cr0, eax);
        a.jmp(Code64Selector, (uint)Code64Address);
    }

    private static uint FirstValue(GuestTrace trace) =>
        BitConverter.ToUInt32(trace.Exits.First(e => e.Kind == ExitKind.IoOut && e.Address > ValuePortBase && e.Address < FlagsPortBase).Data);
}
