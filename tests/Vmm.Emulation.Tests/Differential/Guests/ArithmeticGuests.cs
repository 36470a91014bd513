using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Differential.Harness;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Emulation.Tests.Differential.Guests;

/// <summary>
/// Guests about arithmetic flags at their edges. Each step reports its result and its flags, masking the
/// flags Intel leaves undefined for that instruction (Intel SDM Vol. 2, each instruction's "Flags Affected").
/// </summary>
internal static class ArithmeticGuests
{
    /// <summary>Flags Intel leaves undefined after MUL and IMUL.</summary>
    private const ulong MulUndefined = Flags.SF | Flags.ZF | Flags.AF | Flags.PF;

    private enum Op { Add, Sub, Adc, Sbb, Cmp }

    // (operation, carry in, left, right) at 8, 16 and 32 bits: around each signed and unsigned edge and
    // through a nibble (AF) and an odd and even parity of the low byte (PF).
    private static readonly (Op Op, bool Carry, uint Left, uint Right)[] s_steps =
    [
        (Op.Add, false, 0x7FFF_FFFF, 1), (Op.Add, false, 0xFFFF_FFFF, 1), (Op.Add, false, 0x8000_0000, 0x8000_0000),
        (Op.Add, false, 0x0000_000F, 1), (Op.Add, false, 0x0000_00FF, 0x0000_0001), (Op.Add, false, 0x1234_5678, 0x1111_1111),
        (Op.Sub, false, 0x8000_0000, 1), (Op.Sub, false, 0, 1), (Op.Sub, false, 5, 5), (Op.Sub, false, 0x10, 1),
        (Op.Sub, false, 0x7FFF_FFFF, 0xFFFF_FFFF),
        (Op.Adc, true, 0x7FFF_FFFF, 0), (Op.Adc, true, 0xFFFF_FFFF, 0xFFFF_FFFF), (Op.Adc, true, 0xFFFF_FFFF, 0),
        (Op.Adc, false, 0xFFFF_FFFF, 0), (Op.Adc, true, 0x0000_000E, 1),
        (Op.Sbb, true, 0, 0), (Op.Sbb, true, 0x8000_0000, 0), (Op.Sbb, true, 1, 0), (Op.Sbb, true, 0, 0xFFFF_FFFF),
        (Op.Sbb, false, 0x8000_0000, 0x7FFF_FFFF), (Op.Sbb, true, 0x10, 0),
        (Op.Cmp, false, 0x8000_0000, 0x7FFF_FFFF), (Op.Cmp, false, 3, 4),
    ];

    public static IEnumerable<GuestProgram> All =>
    [
        new("add_sub_adc_sbb_cmp_carry_and_overflow", CpuMode.Protected32, a =>
        {
            foreach (var (op, carry, left, right) in s_steps)
            {
                AddSub(a, op, carry, eax, ebx, left, right);
                AddSub(a, op, carry, ax, bx, (ushort)left, (ushort)right);
                AddSub(a, op, carry, al, bl, (byte)left, (byte)right);
            }

            // The high byte registers, and memory destinations.
            a.mov(ecx, 0x0000_7F00);
            a.add(ch, 1);
            a.OutFlags();
            a.OutValue(ecx);
            a.mov(__dword_ptr[0x4000], 0xFFFF_FFFF);
            a.stc();
            a.adc(__dword_ptr[0x4000], 0);
            a.OutFlags();
            a.sub(__word_ptr[0x4004], 1);
            a.OutFlags();
            a.hlt();
        }),

        new("inc_dec_neg_not_edges", CpuMode.Real, a =>
        {
            a.stc();
            a.mov(eax, 0x7FFF_FFFF);
            a.inc(eax);                                 // OF, CF kept
            a.OutFlags();
            a.clc();
            a.mov(eax, 0xFFFF_FFFF);
            a.inc(eax);                                 // ZF, CF stays clear
            a.OutFlags();
            a.mov(bx, 0x8000);
            a.dec(bx);                                  // OF
            a.OutFlags();
            a.mov(cl, 0);
            a.dec(cl);                                  // SF, AF
            a.OutFlags();
            a.mov(dl, 0x0F);
            a.inc(dl);                                  // AF
            a.OutFlags();
            a.mov(eax, 0);
            a.neg(eax);                                 // CF clear for 0
            a.OutFlags();
            a.mov(eax, 0x8000_0000);
            a.neg(eax);                                 // OF, CF
            a.OutFlags();
            a.OutValue(eax);
            a.mov(ax, 0x8000);
            a.neg(ax);
            a.OutFlags();
            a.mov(al, 0x80);
            a.neg(al);
            a.OutFlags();
            a.mov(al, 1);
            a.neg(al);
            a.OutFlags();
            a.OutValue(eax);
            a.mov(si, 0x1234);
            a.stc();
            a.not(si);                                  // no flags
            a.OutFlags();
            a.OutValue(si);
            a.mov(__word_ptr[0x4000], 0xFFFF);
            a.inc(__word_ptr[0x4000]);
            a.OutFlags();
            a.neg(__dword_ptr[0x4000]);                 // 0 stays 0, CF clear
            a.OutFlags();
            a.hlt();
        }),

        new("shifts_and_rotates_by_0_1_and_n", CpuMode.Protected32, a =>
        {
            foreach (byte count in new byte[] { 0, 1, 4, 31, 32, 33 })
            {
                // Count 0 (also 32, which is masked to 0) must leave every flag as it was: set them all first.
                ulong undefined = count switch
                {
                    0 or 32 => 0,
                    1 or 33 => Flags.AF,
                    _ => Flags.AF | Flags.OF,
                };
                ulong rotateUndefined = (count & 31) == 1 ? 0 : (count & 31) == 0 ? 0 : Flags.OF;
                Shift(a, a => a.shl(eax, count), 0x8000_0001, undefined);
                Shift(a, a => a.shr(eax, count), 0x8000_0001, undefined);
                Shift(a, a => a.sar(eax, count), 0x8000_0001, undefined);
                Shift(a, a => a.rol(eax, count), 0xC000_0001, rotateUndefined);
                Shift(a, a => a.ror(eax, count), 0xC000_0003, rotateUndefined);
                Shift(a, a => a.rcl(eax, count), 0x8000_0001, rotateUndefined);
                Shift(a, a => a.rcr(eax, count), 0x8000_0001, rotateUndefined);
            }

            // By CL, at 8 and 16 bits, where RCL and RCR count modulo 9 and 17.
            a.mov(cl, 9);
            Shift(a, a => a.rcl(al, cl), 0x81, Flags.OF); // count 9 mod 9 = 0: nothing rotates, but the count is not 1
            Shift(a, a => a.rcr(ax, cl), 0x8001, Flags.OF);
            a.mov(cl, 3);
            Shift(a, a => a.sar(al, cl), 0x80, Flags.AF | Flags.OF);
            Shift(a, a => a.shl(ax, 1), 0x4000, Flags.AF);
            Shift(a, a => a.shr(al, 1), 0x81, Flags.AF);
            // Double shifts: SHLD/SHRD by 0, 1 and n (OF only defined for 1, AF never).
            a.mov(edx, 0x8765_4321);
            Shift(a, a => a.shld(eax, edx, 0), 0x1234_5678, 0);
            Shift(a, a => a.shld(eax, edx, 1), 0x1234_5678, Flags.AF);
            Shift(a, a => a.shld(eax, edx, 12), 0x1234_5678, Flags.AF | Flags.OF);
            Shift(a, a => a.shrd(eax, edx, 1), 0x1234_5679, Flags.AF);
            Shift(a, a => a.shrd(eax, edx, cl), 0x1234_5678, Flags.AF | Flags.OF);
            Shift(a, a => a.shrd(ax, dx, 8), 0x5678, Flags.AF | Flags.OF);
            a.hlt();
        })
        {
            // The last step, SHRD by 8, leaves AF and OF undefined.
            UndefinedFinalFlags = Flags.AF | Flags.OF,
        },

        new("mul_imul_div_idiv", CpuMode.Protected32, a =>
        {
            a.mov(eax, 0x8000_0000);
            a.mov(ecx, 2);
            a.mul(ecx);                                 // EDX:EAX = 1:0, CF OF
            a.OutFlags(MulUndefined);
            a.OutValue(edx);
            a.OutValue(eax);
            a.mov(eax, 0x1234);
            a.mov(ecx, 0x10);
            a.mul(ecx);                                 // fits: CF OF clear
            a.OutFlags(MulUndefined);
            a.mov(al, 0x80);
            a.mov(bl, 0xFF);
            a.mul(bl);                                  // AX = 0x7F80
            a.OutFlags(MulUndefined);
            a.OutValue(eax);
            a.mov(ax, 0xFFFF);
            a.mov(dx, 0x5555);
            a.mul(ax);                                  // DX:AX
            a.OutFlags(MulUndefined);
            a.OutValue(edx);
            a.OutValue(eax);
            a.mov(al, 0x80);
            a.mov(bl, 0xFF);
            a.imul(bl);                                 // -128 * -1 = 128: does not fit in AL
            a.OutFlags(MulUndefined);
            a.OutValue(eax);
            a.mov(eax, 0xFFFF_FFFE);
            a.mov(ebx, 3);
            a.imul(ebx);                                // -6, fits
            a.OutFlags(MulUndefined);
            a.OutValue(edx);
            a.OutValue(eax);
            a.mov(esi, 0x4000_0000);
            a.imul(esi, esi);                           // two operands, overflows
            a.OutFlags(MulUndefined);
            a.OutValue(esi);
            a.mov(edi, 0x7FFF);
            a.imul(edi, edi, -2);                       // three operands, fits
            a.OutFlags(MulUndefined);
            a.OutValue(edi);
            a.mov(cx, 0x4000);
            a.imul(cx, cx, 2);                          // 16-bit: 0x8000 overflows
            a.OutFlags(MulUndefined);
            a.OutValue(ecx);
            // DIV and IDIV leave every flag undefined: report results only.
            a.mov(edx, 1);
            a.mov(eax, 0x2345_6789);
            a.mov(ecx, 0x10);
            a.div(ecx);
            a.OutValue(eax);
            a.OutValue(edx);
            a.mov(ax, 1000);
            a.mov(bl, 7);
            a.div(bl);                                  // AL quotient, AH remainder
            a.OutValue(eax);
            a.mov(eax, 0xFFFF_FF9C);                    // -100
            a.cdq();
            a.mov(ecx, 7);
            a.idiv(ecx);                                // -14 remainder -2
            a.OutValue(eax);
            a.OutValue(edx);
            a.mov(ax, 0xFF9C);
            a.cwd();
            a.mov(cx, 0xFFF9);                          // -100 / -7 = 14 remainder -2
            a.idiv(cx);
            a.OutValue(eax);
            a.OutValue(edx);
            a.mov(ax, 0xFF81);                          // -127 / 2 in AL/AH
            a.mov(bl, 2);
            a.idiv(bl);
            a.OutValue(eax);
            a.cmp(eax, edx);
            a.hlt();
        }),

        new("bt_bts_btr_btc_bsf_bsr", CpuMode.Protected32, a =>
        {
            const ulong btUndefined = Flags.OF | Flags.SF | Flags.AF | Flags.PF;   // ZF is kept
            const ulong scanUndefined = Flags.CF | Flags.OF | Flags.SF | Flags.AF | Flags.PF;
            a.mov(eax, 0x8000_0010);
            a.bt(eax, 4);
            a.OutFlags(btUndefined);
            a.bt(eax, 5);
            a.OutFlags(btUndefined);
            a.mov(ecx, 31 + 32);                        // register bit offsets are taken modulo 32
            a.bts(eax, ecx);
            a.OutFlags(btUndefined);
            a.btr(eax, 4);
            a.OutFlags(btUndefined);
            a.btc(eax, 0);
            a.OutFlags(btUndefined);
            a.OutValue(eax);
            a.btc(ax, 15);
            a.OutFlags(btUndefined);
            a.OutValue(eax);
            // A memory bit string: a register offset addresses beyond the operand, even below it.
            a.mov(ebx, 0x4010);
            a.mov(ecx, 100);                            // dword at +12, bit 4
            a.bts(__dword_ptr[ebx], ecx);
            a.OutFlags(btUndefined);
            a.bts(__dword_ptr[ebx], ecx);
            a.OutFlags(btUndefined);
            a.mov(ecx, -1);                             // bit 31 of the dword at -4
            a.btc(__dword_ptr[ebx], ecx);
            a.OutFlags(btUndefined);
            a.bt(__word_ptr[ebx], 17);                  // an immediate offset is taken modulo 16
            a.OutFlags(btUndefined);
            a.OutValue(__dword_ptr[0x401C]);
            a.OutValue(__dword_ptr[0x400C]);
            a.mov(edx, 0x0001_0800);
            a.bsf(esi, edx);
            a.OutFlags(scanUndefined);
            a.OutValue(esi);
            a.bsr(edi, edx);
            a.OutFlags(scanUndefined);
            a.OutValue(edi);
            a.bsr(si, __word_ptr[ebx + 12]);
            a.OutFlags(scanUndefined);
            a.OutValue(esi);
            a.mov(edx, 0);
            a.bsf(esi, edx);                            // source 0: ZF set, destination undefined
            a.OutFlags(scanUndefined);
            a.bsr(esi, edx);
            a.OutFlags(scanUndefined);
            a.mov(esi, 0);
            a.cmp(esi, ebx);
            a.hlt();
        })
        {
            Data = [new GuestData(0x4000, new byte[0x20])],
        },

        new("logic_bcd_and_flag_instructions", CpuMode.Real, a =>
        {
            // AND OR XOR TEST leave AF undefined; NOT changes no flag.
            a.mov(eax, 0xF0F0_0F0F);
            a.and(eax, 0x0000_FFFF);
            a.OutFlags(Flags.AF);
            a.or(eax, 0x8000_0000);
            a.OutFlags(Flags.AF);
            a.xor(eax, eax);
            a.OutFlags(Flags.AF);
            a.mov(bl, 0x03);
            a.test(bl, 0x01);                           // PF of 0x01: odd
            a.OutFlags(Flags.AF);
            a.or(bl, 0x80);                             // 0x83: odd parity, SF
            a.OutFlags(Flags.AF);
            a.mov(cx, 0x0100);
            a.add(cx, 0);                               // PF looks at the low byte only (0x00: even)
            a.OutFlags();
            // Decimal adjust: DAS leaves OF undefined; AAM AAD leave OF AF CF undefined. (Not DAA, AAA, AAS: the
            // KVM here emulates every instruction, and its emulator has no DAA, AAA or AAS.)
            a.mov(al, 0x10);
            a.sub(al, 0x01);
            a.das();                                    // 0x09
            a.OutFlags(Flags.OF);
            a.OutValue(eax);
            a.mov(al, 0x00);
            a.sub(al, 0x01);
            a.das();                                    // 0x99 CF
            a.OutFlags(Flags.OF);
            a.OutValue(eax);
            a.mov(al, 79);
            a.aam(10);                                    // AH 7, AL 9
            a.OutFlags(Flags.OF | Flags.AF | Flags.CF);
            a.OutValue(eax);
            a.aad(10);                                    // back to 79
            a.OutFlags(Flags.OF | Flags.AF | Flags.CF);
            a.OutValue(eax);
            a.cmp(al, al);                              // defines OF again: SAHF leaves it alone
            // LAHF SAHF, CMC STC CLC.
            a.mov(ah, 0xD5);                            // SF ZF AF PF CF
            a.sahf();
            a.OutFlags();
            a.cmc();
            a.OutFlags();
            a.lahf();
            a.OutValue(eax);
            a.stc();
            a.mov(ah, 0);
            a.sahf();
            a.OutFlags();
            a.clc();
            a.cmc();
            a.hlt();
        }),

        new("long64_immediate_forms_and_sign_extension", CpuMode.Long64, a =>
        {
            a.mov(eax, 0);
            a.add(rax, -1);                             // imm8, sign-extended to 64 bits
            a.OutFlags();
            a.OutValue(rax);
            a.and(rax, -16);
            a.OutFlags(Flags.AF);
            a.OutValue(rax);
            a.mov(rbx, -2);                             // C7: imm32, sign-extended
            a.OutValue(rbx);
            a.or(ebx, 0x80);                            // a 32-bit operation clears bits 32-63
            a.OutFlags(Flags.AF);
            a.OutValue(rbx);
            a.cmp(rbx, 0x7FFF_FFFF);
            a.OutFlags();
            a.imul(rcx, rbx, -128);
            a.OutFlags(MulUndefined);
            a.OutValue(rcx);
            a.mov(rdx, 0x0123_4567_89AB_CDEFul);
            a.sub(dx, -1);                              // 66 83 /5: imm8 sign-extended to a word
            a.OutFlags();
            a.OutValue(rdx);
            a.add(dl, 0x80);
            a.OutFlags();
            a.OutValue(rdx);
            a.mov(rax, 0x0000_0000_8000_0000ul);
            a.test(rax, unchecked((int)0x8000_0000));   // A9: imm32 sign-extended to 0xFFFF_FFFF_8000_0000
            a.OutFlags(Flags.AF);
            a.stc();
            a.mov(r9, 5);
            a.adc(r9, -1);
            a.OutFlags();
            a.OutValue(r9);
            a.mov(r10, 0);
            a.stc();
            a.sbb(r10w, 1);
            a.OutFlags();
            a.OutValue(r10);
            a.push(-3);
            a.pop(r11);
            a.OutValue(r11);
            a.xor(r11, -1);
            a.OutFlags(Flags.AF);
            a.OutValue(r11);
            a.mov(r12, -1L);
            a.mov(r12b, 0);
            a.OutValue(r12);
            a.cmp(r12b, 0xFF);
            a.hlt();
        }),

        new("rotates_and_shifts_by_multiples_of_the_operand_size", CpuMode.Protected32, a =>
        {
            // An 8- or 16-bit ROL/ROR by a multiple of its size rotates nothing but still sets CF (the masked
            // count is not 0); RCL/RCR count modulo 9 and 17; by 32 (masked to 0) nothing changes at all.
            // SHL/SHR/SAR by the operand size or more leave CF undefined (and OF, AF: count not 1).
            Shift(a, a => a.rol(al, 8), 0x80, Flags.OF);
            Shift(a, a => a.ror(al, 8), 0x01, Flags.OF);
            Shift(a, a => a.rol(al, 16), 0x02, Flags.OF);
            Shift(a, a => a.rol(ax, 16), 0x8000, Flags.OF);
            Shift(a, a => a.ror(ax, 16), 0x0001, Flags.OF);
            Shift(a, a => a.rol(eax, 32), 0x8000_0000, 0);
            Shift(a, a => a.rcr(ax, 17), 0x8001, Flags.OF);
            Shift(a, a => a.rcl(al, 18), 0x81, Flags.OF);
            Shift(a, a => a.shl(al, 8), 0xFF, Flags.CF | Flags.OF | Flags.AF);
            Shift(a, a => a.shr(ax, 16), 0xFFFF, Flags.CF | Flags.OF | Flags.AF);
            Shift(a, a => a.sar(al, 9), 0x80, Flags.CF | Flags.OF | Flags.AF);
            a.mov(cl, 24);
            Shift(a, a => a.ror(al, cl), 0x01, Flags.OF);
            a.cmp(eax, ecx);
            a.hlt();
        }),
    ];

    private static void AddSub<TRegister>(Assembler a, Op op, bool carry, TRegister left, TRegister right, uint leftValue, uint rightValue)
    {
        switch ((left, right))
        {
            case (AssemblerRegister32 l, AssemblerRegister32 r):
                a.mov(l, leftValue);
                a.mov(r, rightValue);
                CarryIn(a, carry);
                Emit(a, op, l, r);
                break;
            case (AssemblerRegister16 l, AssemblerRegister16 r):
                a.mov(l, (ushort)leftValue);
                a.mov(r, (ushort)rightValue);
                CarryIn(a, carry);
                Emit(a, op, l, r);
                break;
            case (AssemblerRegister8 l, AssemblerRegister8 r):
                a.mov(l, (byte)leftValue);
                a.mov(r, (byte)rightValue);
                CarryIn(a, carry);
                Emit(a, op, l, r);
                break;
        }

        a.OutFlags();
        a.OutValue(eax);
    }

    private static void CarryIn(Assembler a, bool carry)
    {
        if (carry)
            a.stc();
        else
            a.clc();
    }

    private static void Emit(Assembler a, Op op, AssemblerRegister32 l, AssemblerRegister32 r)
    {
        switch (op)
        {
            case Op.Add: a.add(l, r); break;
            case Op.Sub: a.sub(l, r); break;
            case Op.Adc: a.adc(l, r); break;
            case Op.Sbb: a.sbb(l, r); break;
            default: a.cmp(l, r); break;
        }
    }

    private static void Emit(Assembler a, Op op, AssemblerRegister16 l, AssemblerRegister16 r)
    {
        switch (op)
        {
            case Op.Add: a.add(l, r); break;
            case Op.Sub: a.sub(l, r); break;
            case Op.Adc: a.adc(l, r); break;
            case Op.Sbb: a.sbb(l, r); break;
            default: a.cmp(l, r); break;
        }
    }

    private static void Emit(Assembler a, Op op, AssemblerRegister8 l, AssemblerRegister8 r)
    {
        switch (op)
        {
            case Op.Add: a.add(l, r); break;
            case Op.Sub: a.sub(l, r); break;
            case Op.Adc: a.adc(l, r); break;
            case Op.Sbb: a.sbb(l, r); break;
            default: a.cmp(l, r); break;
        }
    }

    /// <summary>Sets every arithmetic flag (a count of 0 must keep them all), loads EAX, runs <paramref name="shift"/>, reports.</summary>
    private static void Shift(Assembler a, Action<Assembler> shift, uint value, ulong undefined)
    {
        a.push((int)(Flags.CF | Flags.PF | Flags.AF | Flags.ZF | Flags.SF | Flags.OF | 2));
        a.popfd();
        a.mov(eax, value);
        shift(a);
        a.OutFlags(undefined);
        a.OutValue(eax);
    }
}
