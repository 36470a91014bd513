namespace Vmm.Emulation.Execution;

/// <summary>
/// The BCD adjustments DAA, DAS, AAA, AAS, AAM and AAD (legacy modes only; Intel SDM Vol. 2A). Undefined
/// flags follow the reference machine where it runs the instruction: KVM's emulator computes AAM and AAD's
/// SF, ZF and PF with an OR over the whole operand-size accumulator (so SF is bit 15 or 31 and ZF looks at
/// AX or EAX), clearing CF, AF and OF; DAS clears OF. It has no DAA, AAA or AAS: those follow Intel's
/// definitions, with OF clear and SF, ZF and PF from AL.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    private static ExecStatus Daa(Interpreter c, ref DecodedInstruction d)
    {
        ulong flags = c.Flags;
        ulong al = c.Reg(Gpr.Rax) & 0xFF;
        bool oldCarry = (flags & Rflags.Cf) != 0;
        bool carry = false, adjust = false;
        ulong result = al;
        if ((al & 0xF) > 9 || (flags & Rflags.Af) != 0)
        {
            carry = oldCarry || result + 6 > 0xFF;
            result = (result + 6) & 0xFF;
            adjust = true;
        }

        if (al > 0x99 || oldCarry)
        {
            result = (result + 0x60) & 0xFF;
            carry = true;
        }
        else
        {
            carry = false;
        }

        c.FinishDecimalAdjust(flags, result, carry, adjust);
        return ExecStatus.Next;
    }

    private static ExecStatus Das(Interpreter c, ref DecodedInstruction d)
    {
        ulong flags = c.Flags;
        ulong al = c.Reg(Gpr.Rax) & 0xFF;
        bool oldCarry = (flags & Rflags.Cf) != 0;
        bool carry = false, adjust = false;
        ulong result = al;
        if ((al & 0xF) > 9 || (flags & Rflags.Af) != 0)
        {
            carry = oldCarry || result < 6;
            result = (result - 6) & 0xFF;
            adjust = true;
        }

        if (al > 0x99 || oldCarry)
        {
            result = (result - 0x60) & 0xFF;
            carry = true;
        }

        c.FinishDecimalAdjust(flags, result, carry, adjust);
        return ExecStatus.Next;
    }

    private void FinishDecimalAdjust(ulong flags, ulong al, bool carry, bool adjust)
    {
        WriteGpr(Gpr.Rax, 1, al);
        SetFlags((flags & ~Rflags.Arithmetic) | ResultFlags(al, 1) | (carry ? Rflags.Cf : 0) | (adjust ? Rflags.Af : 0));
    }

    /// <summary>AAA (Condition 0) and AAS (1): adjust AL after an unpacked BCD addition or subtraction, carrying into AH.</summary>
    private static ExecStatus AsciiAdjust(Interpreter c, ref DecodedInstruction d)
    {
        ulong flags = c.Flags;
        ulong ax = c.Reg(Gpr.Rax) & 0xFFFF;
        bool adjust = (ax & 0xF) > 9 || (flags & Rflags.Af) != 0;
        if (adjust)
        {
            ulong al = d.Condition == 0 ? (ax + 6) & 0xFF : (ax - 6) & 0xFF;
            ulong ah = d.Condition == 0 ? (ax >> 8) + 1 : (ax >> 8) - 1;
            ax = ((ah & 0xFF) << 8) | al;
        }

        ax &= 0xFF0F;
        c.WriteGpr(Gpr.Rax, 2, ax);
        c.SetFlags((flags & ~Rflags.Arithmetic) | ResultFlags(ax & 0xFF, 1) | (adjust ? Rflags.Cf | Rflags.Af : 0));
        return ExecStatus.Next;
    }

    /// <summary>AAM imm8: AH = AL / imm8, AL = AL mod imm8; #DE for 0.</summary>
    private static ExecStatus Aam(Interpreter c, ref DecodedInstruction d)
    {
        ulong divisor = d.Immediate & 0xFF;
        if (divisor == 0)
            throw new GuestFault(ExceptionVector.DivideError, null, "AAM with a divisor of 0");
        ulong al = c.Reg(Gpr.Rax) & 0xFF;
        c.WriteGpr(Gpr.Rax, 2, ((al / divisor) << 8) | (al % divisor));
        c.SetAccumulatorOrFlags(d.OperandSize);
        return ExecStatus.Next;
    }

    /// <summary>AAD imm8: AL = AL + AH × imm8, AH = 0.</summary>
    private static ExecStatus Aad(Interpreter c, ref DecodedInstruction d)
    {
        ulong ax = c.Reg(Gpr.Rax);
        ulong al = ((ax & 0xFF) + ((ax >> 8) & 0xFF) * (d.Immediate & 0xFF)) & 0xFF;
        c.WriteGpr(Gpr.Rax, 2, al);
        c.SetAccumulatorOrFlags(d.OperandSize);
        return ExecStatus.Next;
    }

    /// <summary>The flags of OR accumulator, 0 at <paramref name="size"/>: what KVM's em_aam and em_aad leave.</summary>
    private void SetAccumulatorOrFlags(int size) =>
        SetFlags((Flags & ~Rflags.Arithmetic) | ResultFlags(ReadGpr(Gpr.Rax, size), size));
}
