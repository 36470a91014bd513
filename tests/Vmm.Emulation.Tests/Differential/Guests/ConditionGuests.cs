using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Differential.Harness;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Emulation.Tests.Differential.Harness.GuestLayout;

namespace Vmm.Emulation.Tests.Differential.Guests;

/// <summary>All sixteen conditions, as SETcc, CMOVcc and Jcc, after compares at the signed and unsigned edges.</summary>
internal static class ConditionGuests
{
    private static readonly (uint Left, uint Right)[] s_compares =
    [
        (0, 0), (1, 2), (2, 1), (0x8000_0000, 1), (0x7FFF_FFFF, 0xFFFF_FFFF), (0xFFFF_FFFF, 0x7FFF_FFFF), (0x40, 0x3F),
    ];

    // Condition codes 0-15 in encoding order: O NO B AE E NE BE A S NS P NP L GE LE G.
    private static readonly Action<Assembler, AssemblerMemoryOperand>[] s_set =
    [
        (a, m) => a.seto(m), (a, m) => a.setno(m), (a, m) => a.setb(m), (a, m) => a.setae(m),
        (a, m) => a.sete(m), (a, m) => a.setne(m), (a, m) => a.setbe(m), (a, m) => a.seta(m),
        (a, m) => a.sets(m), (a, m) => a.setns(m), (a, m) => a.setp(m), (a, m) => a.setnp(m),
        (a, m) => a.setl(m), (a, m) => a.setge(m), (a, m) => a.setle(m), (a, m) => a.setg(m),
    ];

    private static readonly Action<Assembler, AssemblerRegister32, AssemblerRegister32>[] s_move =
    [
        (a, d, s) => a.cmovo(d, s), (a, d, s) => a.cmovno(d, s), (a, d, s) => a.cmovb(d, s), (a, d, s) => a.cmovae(d, s),
        (a, d, s) => a.cmove(d, s), (a, d, s) => a.cmovne(d, s), (a, d, s) => a.cmovbe(d, s), (a, d, s) => a.cmova(d, s),
        (a, d, s) => a.cmovs(d, s), (a, d, s) => a.cmovns(d, s), (a, d, s) => a.cmovp(d, s), (a, d, s) => a.cmovnp(d, s),
        (a, d, s) => a.cmovl(d, s), (a, d, s) => a.cmovge(d, s), (a, d, s) => a.cmovle(d, s), (a, d, s) => a.cmovg(d, s),
    ];

    private static readonly Action<Assembler, Label>[] s_jump =
    [
        (a, l) => a.jo(l), (a, l) => a.jno(l), (a, l) => a.jb(l), (a, l) => a.jae(l),
        (a, l) => a.je(l), (a, l) => a.jne(l), (a, l) => a.jbe(l), (a, l) => a.ja(l),
        (a, l) => a.js(l), (a, l) => a.jns(l), (a, l) => a.jp(l), (a, l) => a.jnp(l),
        (a, l) => a.jl(l), (a, l) => a.jge(l), (a, l) => a.jle(l), (a, l) => a.jg(l),
    ];

    public static IEnumerable<GuestProgram> All =>
    [
        new("setcc_cmovcc_jcc_all_conditions", CpuMode.Protected32, a =>
        {
            a.mov(esi, 1);
            for (int p = 0; p < s_compares.Length; p++)
            {
                uint table = (uint)(DataAddress + (ulong)p * 0x20);
                a.mov(edi, table);
                a.mov(eax, s_compares[p].Left);
                a.mov(ebx, s_compares[p].Right);
                a.cmp(eax, ebx);
                a.OutFlags();
                for (int cc = 0; cc < 16; cc++)
                    s_set[cc](a, __byte_ptr[edi + cc]);
                for (int cc = 0; cc < 16; cc++)
                {
                    a.mov(ecx, 0);                      // MOV changes no flag
                    s_move[cc](a, ecx, esi);
                    a.mov(__byte_ptr[edi + 0x10 + cc], cl);
                }

                // Bit cc of EDX: set when Jcc is not taken (LEA changes no flag).
                a.mov(edx, 0);
                for (int cc = 0; cc < 16; cc++)
                {
                    var taken = a.CreateLabel();
                    s_jump[cc](a, taken);
                    a.lea(edx, __[edx + (1 << cc)]);
                    a.Label(ref taken);
                }

                a.OutValue(edx);
                for (int offset = 0; offset < 0x20; offset += 4)
                    a.OutValue(__dword_ptr[table + (uint)offset]);
            }

            a.hlt();
        }),

        new("sign_and_zero_extension_real_mode", CpuMode.Real, a =>
        {
            a.mov(eax, 0x1234_5680);
            a.cbw();                                    // AX = 0xFF80, upper half kept
            a.OutValue(eax);
            a.cwde();
            a.OutValue(eax);
            a.mov(ax, 0x8000);
            a.cwd();
            a.OutValue(edx);
            a.mov(eax, 0x8000_0000);
            a.cdq();
            a.OutValue(edx);
            a.mov(eax, 0x7FFF_FFFF);
            a.cdq();
            a.OutValue(edx);
            a.mov(bl, 0x90);
            a.movsx(cx, bl);
            a.movzx(esi, bl);
            a.movsx(edi, bl);
            a.OutValue(ecx);
            a.OutValue(esi);
            a.OutValue(edi);
            a.mov(__word_ptr[0x4000], 0x8001);
            a.movsx(ebp, __word_ptr[0x4000]);
            a.movzx(ebx, __word_ptr[0x4000]);
            a.OutValue(ebp);
            a.OutValue(ebx);
            a.cmp(ebp, ebx);
            a.hlt();
        }),
    ];
}
