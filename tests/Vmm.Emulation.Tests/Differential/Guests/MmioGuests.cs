using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Differential.Harness;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Emulation.Tests.Differential.Harness.GuestLayout;

namespace Vmm.Emulation.Tests.Differential.Guests;

/// <summary>
/// Guests touching the MMIO register file at <see cref="GuestLayout.MmioBase"/>: loads and stores of 1, 2, 4
/// and 8 bytes, zero- and sign-extending loads, read-modify-write instructions (a read exit, then a write
/// exit), compares that only read, and string and stack instructions with an MMIO operand.
/// </summary>
internal static class MmioGuests
{
    private const uint Unclaimed = 0xE000_0000;
    private const ulong IndirectTarget = 0x3000;

    public static IEnumerable<GuestProgram> All =>
    [
        new("mmio_loads_and_stores_of_every_size", CpuMode.Protected32, a =>
        {
            a.mov(ebx, (uint)MmioBase);
            a.mov(__byte_ptr[ebx], 0x11);
            a.mov(__word_ptr[ebx + 2], 0x2233);
            a.mov(__dword_ptr[ebx + 4], 0x4455_6677);
            a.mov(ecx, 0x8899_AABB);
            a.mov(__dword_ptr[ebx + 8], ecx);
            a.mov(al, __byte_ptr[ebx + 1]);             // the register file's pattern
            a.OutValue(eax);
            a.mov(cx, __word_ptr[ebx + 2]);
            a.OutValue(ecx);
            a.mov(edx, __dword_ptr[ebx + 4]);
            a.OutValue(edx);
            a.movzx(esi, __byte_ptr[ebx + 7]);
            a.OutValue(esi);
            a.movsx(edi, __word_ptr[ebx + 0x0A]);       // 0x8899: negative
            a.OutValue(edi);
            a.movsx(ebp, __byte_ptr[ebx + 0x30]);       // pattern byte 0x95: negative
            a.OutValue(ebp);
            a.movzx(eax, __word_ptr[ebx + 0xFFE]);      // the last word of the register file
            a.OutValue(eax);
            a.mov(__dword_ptr[ebx + 0x0D], 0x0102_0304);// unaligned
            a.mov(eax, __dword_ptr[ebx + 0x0C]);
            a.OutValue(eax);
            a.mov(eax, __dword_ptr[Unclaimed]);         // nobody there: all-ones
            a.OutValue(eax);
            a.mov(__dword_ptr[Unclaimed], eax);
            a.mov(eax, __dword_ptr[(uint)MmioBase + 8]);// absolute address
            a.OutValue(eax);
            a.sub(eax, edx);
            a.hlt();
        })
        {
            Check = t => Assert.Equal(
                [(ExitKind.MmioWrite, 1), (ExitKind.MmioWrite, 2), (ExitKind.MmioWrite, 4), (ExitKind.MmioWrite, 4), (ExitKind.MmioRead, 1)],
                t.Exits.Where(e => e.Kind is ExitKind.MmioRead or ExitKind.MmioWrite).Take(5).Select(e => (e.Kind, e.Size))),
        },

        new("mmio_read_modify_write_long64", CpuMode.Long64, a =>
        {
            a.mov(ebx, (uint)MmioBase);
            a.mov(rax, 0x1122_3344_5566_7788ul);
            a.mov(__qword_ptr[rbx + 0x20], rax);
            a.mov(rcx, __qword_ptr[rbx + 0x20]);
            a.OutValue(rcx);
            a.add(__qword_ptr[rbx + 0x20], 0x7FFF_FFFF);
            a.OutFlags();
            a.add(__qword_ptr[rbx + 0x28], rax);
            a.OutFlags();
            a.or(__dword_ptr[rbx + 0x24], 0x8000_0000);
            a.OutFlags(Flags.AF);
            a.and(__word_ptr[rbx + 0x30], 0x0F0F);
            a.OutFlags(Flags.AF);
            a.sub(__byte_ptr[rbx + 0x31], 0x40);
            a.OutFlags();
            a.inc(__dword_ptr[rbx + 0x40]);
            a.OutFlags();
            a.dec(__qword_ptr[rbx + 0x48]);
            a.OutFlags();
            a.neg(__qword_ptr[rbx + 0x50]);
            a.OutFlags();
            a.not(__word_ptr[rbx + 0x58]);
            a.shl(__dword_ptr[rbx + 0x5C], 4);
            a.OutFlags(Flags.AF | Flags.OF);
            a.cmp(__qword_ptr[rbx + 0x20], rax);        // read only
            a.OutFlags();
            a.test(__byte_ptr[rbx + 0x21], 0x80);
            a.OutFlags(Flags.AF);
            a.mov(rdx, 0x5555_6666_7777_8888ul);
            a.xchg(__qword_ptr[rbx + 0x60], rdx);
            a.OutValue(rdx);
            a.mov(r8, __qword_ptr[rbx + 0x20]);
            a.mov(r9, __qword_ptr[rbx + 0x28]);
            a.mov(r10, __qword_ptr[rbx + 0x40]);
            a.mov(r11, __qword_ptr[rbx + 0x48]);
            a.mov(r12, __qword_ptr[rbx + 0x50]);
            a.mov(r13, __qword_ptr[rbx + 0x58]);
            a.mov(r14, __qword_ptr[rbx + 0x60]);
            a.mov(r15d, __dword_ptr[rbx + 0x30]);
            a.adc(r15, __qword_ptr[rbx + 0x38]);
            a.hlt();
        }),

        new("mmio_string_and_stack_operands", CpuMode.Protected32, a =>
        {
            a.cld();
            a.mov(esi, (uint)MmioBase + 0x10);
            a.mov(edi, (uint)DataAddress);
            a.movsd();                                  // MMIO -> RAM
            a.OutValue(__dword_ptr[DataAddress]);
            a.mov(esi, (uint)DataAddress + 0x100);
            a.mov(edi, (uint)MmioBase + 0x80);
            a.movsw();                                  // RAM -> MMIO
            a.mov(eax, 0xA1B2_C3D4);
            a.mov(ecx, 3);
            a.rep.stosd();                              // three MMIO writes
            a.OutValue(edi);
            a.mov(esi, (uint)MmioBase + 0x82);
            a.lodsd();
            a.OutValue(eax);
            a.mov(esi, (uint)MmioBase + 0x80);
            a.mov(edi, (uint)MmioBase + 0x200);
            a.movsb();                                  // MMIO -> MMIO
            a.push(__dword_ptr[(uint)MmioBase + 0x84]); // read MMIO, write the stack
            a.pop(__dword_ptr[(uint)MmioBase + 0x300]); // read the stack, write MMIO
            a.mov(edx, __dword_ptr[(uint)MmioBase + 0x300]);
            a.OutValue(edx);
            a.mov(edi, (uint)MmioBase + 0x88);
            a.mov(eax, 0xA1B2_C3D4);
            a.scasd();                                  // compare with MMIO: read only
            a.OutFlags();
            a.OutValue(edi);
            a.hlt();
        })
        {
            Data = [new GuestData(DataAddress + 0x100, [0xEE, 0xFF])],
        },

        new("mmio_locked_bit_conditional_and_indirect_operands", CpuMode.Protected32, a =>
        {
            a.mov(ebx, (uint)MmioBase);
            a.mov(__dword_ptr[ebx + 0x100], 5);
            a.mov(eax, 5);
            a.mov(ecx, 7);
            a.@lock.cmpxchg(__dword_ptr[ebx + 0x100], ecx);     // a hit: read, then write 7
            a.OutFlags();
            a.OutValue(eax);
            a.@lock.cmpxchg(__dword_ptr[ebx + 0x100], ecx);     // a miss: EAX gets 7, and a locked miss writes back too
            a.OutFlags();
            a.OutValue(eax);
            a.mov(edx, 0x10);
            a.@lock.xadd(__dword_ptr[ebx + 0x104], edx);
            a.OutFlags();
            a.OutValue(edx);
            a.mov(ecx, 40);
            a.bts(__dword_ptr[ebx + 0x108], ecx);               // the dword at +0x10C, bit 8
            a.OutFlags(Flags.OF | Flags.SF | Flags.AF | Flags.PF);
            a.btr(__word_ptr[ebx + 0x108], 3);                  // an immediate offset stays in the word
            a.OutFlags(Flags.OF | Flags.SF | Flags.AF | Flags.PF);
            a.cmp(eax, eax);
            a.mov(esi, 0);
            a.cmovne(esi, __dword_ptr[ebx + 0x110]);            // not taken, but the source is still read
            a.OutValue(esi);
            a.cmove(esi, __dword_ptr[ebx + 0x110]);
            a.OutValue(esi);
            a.add(edi, __dword_ptr[ebx + 0x114]);
            a.OutFlags();
            a.test(__dword_ptr[ebx + 0x118], edi);
            a.OutFlags(Flags.AF);
            a.mov(__dword_ptr[ebx + 0x11C], (uint)IndirectTarget);
            a.call(__dword_ptr[ebx + 0x11C]);                   // the target address comes from MMIO
            a.OutValue(eax);
            a.cld();
            a.mov(dx, 0x3F8);
            a.lea(esi, __[ebx + 0x120]);
            a.outsb();                                          // MMIO read, then port write
            a.mov(dx, 0x60);
            a.lea(edi, __[ebx + 0x130]);
            a.insw();                                           // port read, then MMIO write
            a.mov(eax, __dword_ptr[ebx + 0x130]);
            a.OutValue(eax);
            a.cmp(eax, esi);
            a.hlt();
        })
        {
            MoreCode = [new CodeBlock(32, IndirectTarget, a =>
            {
                a.mov(eax, 0xC0DE);
                a.ret();
            })],
        },

        new("mmio_rep_string_operands_and_cmpxchg8b", CpuMode.Protected32, a =>
        {
            a.cld();
            a.mov(dx, 0x3F8);
            a.mov(esi, (uint)MmioBase + 0x40);
            a.mov(ecx, 3);
            a.rep.outsb();                              // each element: MMIO read, then port write
            a.std();
            a.mov(esi, (uint)DataAddress + 4);
            a.mov(edi, (uint)MmioBase + 0x104);
            a.mov(ecx, 3);
            a.rep.movsw();                              // RAM to MMIO, backwards
            a.cld();
            a.mov(esi, (uint)MmioBase + 0x100);
            a.mov(edi, (uint)DataAddress + 0x10);
            a.mov(ecx, 2);
            a.rep.movsd();                              // MMIO to RAM
            a.OutValue(__dword_ptr[DataAddress + 0x14]);
            a.mov(ebx, (uint)MmioBase + 0x200);
            a.mov(eax, __dword_ptr[ebx]);
            a.mov(edx, __dword_ptr[ebx + 4]);
            a.mov(ecx, 0x1111_2222);
            a.mov(esi, ebx);
            a.mov(ebx, 0x3333_4444);
            a.@lock.cmpxchg8b(__qword_ptr[esi]);        // a hit: 8-byte read, 8-byte write
            a.OutFlags();
            a.@lock.cmpxchg8b(__qword_ptr[esi]);        // a miss: EDX:EAX gets the qword
            a.OutFlags();
            a.OutValue(eax);
            a.OutValue(edx);
            a.hlt();
        })
        {
            Data = [new GuestData(DataAddress, [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17])],
        },

        new("mmio_rep_insw_destination", CpuMode.Protected32, a =>
        {
            // KVM reads REP INS ahead into a buffer (arch/x86/kvm/emulate.c pio_in_emulated) and, with DF=0,
            // writes what it read to the destination in one access: two words arrive as one 4-byte MMIO write.
            a.cld();
            a.mov(dx, 0x60);
            a.mov(edi, (uint)MmioBase + 0x80);
            a.mov(ecx, 2);
            a.rep.insw();
            a.OutValue(__dword_ptr[(uint)MmioBase + 0x80]);
            a.std();
            a.mov(edi, (uint)MmioBase + 0x92);
            a.mov(ecx, 2);
            a.rep.insw();                               // DF=1: one element at a time
            a.cld();
            a.OutValue(__dword_ptr[(uint)MmioBase + 0x90]);
            a.hlt();
        }),
    ];
}
