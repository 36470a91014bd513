namespace Vmm.Emulation.Execution;

/// <summary>
/// MUL, IMUL (one, two and three operands), DIV and IDIV. A zero divisor or a quotient that does not fit
/// raises #DE. CF and OF are as Intel defines; the flags Intel leaves undefined are set as the reference
/// machine (KVM on AMD EPYC) sets them: see <see cref="SetMultiplyFlags"/> and <see cref="StoreQuotient"/>.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    private static ExecStatus MulReg(Interpreter c, ref DecodedInstruction d)
    {
        c.Multiply(c.ReadGpr(d.Reg0, d.OperandSize), d.OperandSize, signed: false);
        return ExecStatus.Next;
    }

    private static ExecStatus MulMem(Interpreter c, ref DecodedInstruction d)
    {
        c.Multiply(c.Read(c.LinearAddress(ref d), d.OperandSize), d.OperandSize, signed: false);
        return ExecStatus.Next;
    }

    private static ExecStatus ImulReg(Interpreter c, ref DecodedInstruction d)
    {
        c.Multiply(c.ReadGpr(d.Reg0, d.OperandSize), d.OperandSize, signed: true);
        return ExecStatus.Next;
    }

    private static ExecStatus ImulMem(Interpreter c, ref DecodedInstruction d)
    {
        c.Multiply(c.Read(c.LinearAddress(ref d), d.OperandSize), d.OperandSize, signed: true);
        return ExecStatus.Next;
    }

    /// <summary>One-operand MUL/IMUL: AX = AL × src, DX:AX, EDX:EAX or RDX:RAX = accumulator × src.</summary>
    private void Multiply(ulong source, int size, bool signed)
    {
        ulong accumulator = ReadGpr(Gpr.Rax, size);
        ulong low, high;
        bool overflow;
        if (size == 8)
        {
            if (signed)
            {
                long h = Math.BigMul((long)accumulator, (long)source, out long l);
                (low, high) = ((ulong)l, (ulong)h);
                overflow = h != (l >> 63);
            }
            else
            {
                high = Math.BigMul(accumulator, source, out low);
                overflow = high != 0;
            }
        }
        else
        {
            int bits = size << 3;
            ulong product = signed
                ? (ulong)(SignExtend(accumulator, size) * SignExtend(source, size))
                : accumulator * source;
            low = product & SizeMask(size);
            high = (product >> bits) & SizeMask(size);
            overflow = signed ? (long)product != SignExtend(low, size) : high != 0;
        }

        if (size == 1)
        {
            WriteGpr(Gpr.Rax, 2, (high << 8) | low);
        }
        else
        {
            WriteGpr(Gpr.Rax, size, low);
            WriteGpr(Gpr.Rdx, size, high);
        }

        SetMultiplyFlags(low, size, overflow);
    }

    /// <summary>
    /// CF = OF = the result did not fit the lower half. SF, ZF, AF and PF (undefined) keep their values,
    /// as on the reference machine.
    /// </summary>
    private void SetMultiplyFlags(ulong low, int size, bool overflow) =>
        SetFlags((Flags & ~(Rflags.Cf | Rflags.Of)) | (overflow ? Rflags.Cf | Rflags.Of : 0));

    private static ExecStatus ImulRegReg(Interpreter c, ref DecodedInstruction d)
    {
        ulong factor = d.Condition == 1 ? d.Immediate : c.ReadGpr(d.Reg0, d.OperandSize);
        c.WriteGpr(d.Reg0, d.OperandSize, c.MultiplyTruncated(c.ReadGpr(d.Reg1, d.OperandSize), factor, d.OperandSize));
        return ExecStatus.Next;
    }

    private static ExecStatus ImulRegMem(Interpreter c, ref DecodedInstruction d)
    {
        ulong source = c.Read(c.LinearAddress(ref d), d.OperandSize);
        ulong factor = d.Condition == 1 ? d.Immediate : c.ReadGpr(d.Reg0, d.OperandSize);
        c.WriteGpr(d.Reg0, d.OperandSize, c.MultiplyTruncated(source, factor, d.OperandSize));
        return ExecStatus.Next;
    }

    /// <summary>Two- and three-operand IMUL: the signed product truncated to the operand size.</summary>
    private ulong MultiplyTruncated(ulong a, ulong b, int size)
    {
        ulong low;
        bool overflow;
        if (size == 8)
        {
            long h = Math.BigMul((long)a, (long)b, out long l);
            low = (ulong)l;
            overflow = h != (l >> 63);
        }
        else
        {
            long product = SignExtend(a, size) * SignExtend(b, size);
            low = (ulong)product & SizeMask(size);
            overflow = product != SignExtend(low, size);
        }

        SetMultiplyFlags(low, size, overflow);
        return low;
    }

    private static ExecStatus DivReg(Interpreter c, ref DecodedInstruction d)
    {
        c.Divide(c.ReadGpr(d.Reg0, d.OperandSize), d.OperandSize);
        return ExecStatus.Next;
    }

    private static ExecStatus DivMem(Interpreter c, ref DecodedInstruction d)
    {
        c.Divide(c.Read(c.LinearAddress(ref d), d.OperandSize), d.OperandSize);
        return ExecStatus.Next;
    }

    private static ExecStatus IdivReg(Interpreter c, ref DecodedInstruction d)
    {
        c.DivideSigned(c.ReadGpr(d.Reg0, d.OperandSize), d.OperandSize);
        return ExecStatus.Next;
    }

    private static ExecStatus IdivMem(Interpreter c, ref DecodedInstruction d)
    {
        c.DivideSigned(c.Read(c.LinearAddress(ref d), d.OperandSize), d.OperandSize);
        return ExecStatus.Next;
    }

    /// <summary>The double-width dividend: AX, DX:AX, EDX:EAX or RDX:RAX.</summary>
    private UInt128 Dividend(int size) => size == 1
        ? ReadGpr(Gpr.Rax, 2)
        : ((UInt128)ReadGpr(Gpr.Rdx, size) << (size << 3)) | ReadGpr(Gpr.Rax, size);

    private void Divide(ulong divisor, int size)
    {
        if (divisor == 0)
            throw new GuestFault(ExceptionVector.DivideError, null, "divide by zero");
        UInt128 dividend = Dividend(size);
        UInt128 quotient = dividend / divisor;
        if (quotient > SizeMask(size))
            throw new GuestFault(ExceptionVector.DivideError, null, "quotient too large");
        StoreQuotient((ulong)quotient, (ulong)(dividend % divisor), size);
    }

    private void DivideSigned(ulong divisor, int size)
    {
        if (divisor == 0)
            throw new GuestFault(ExceptionVector.DivideError, null, "divide by zero");
        int bits = size << 3;
        UInt128 raw = Dividend(size);
        // Sign-extend the 2×size-bit dividend to 128 bits.
        Int128 dividend = (Int128)(raw << (128 - 2 * bits)) >> (128 - 2 * bits);
        Int128 d = SignExtend(divisor, size);
        Int128 quotient = dividend / d;
        Int128 remainder = dividend % d;
        Int128 limit = Int128.One << (bits - 1);
        if (quotient >= limit || quotient < -limit)
            throw new GuestFault(ExceptionVector.DivideError, null, "quotient too large");
        StoreQuotient((ulong)(long)quotient & SizeMask(size), (ulong)(long)remainder & SizeMask(size), size);
    }

    /// <summary>
    /// Quotient to AL/AX/EAX/RAX and remainder to AH/DX/EDX/RDX. The flags are all undefined; the reference
    /// machine keeps CF and OF, clears PF, ZF and SF, and sets AF, and so does this.
    /// </summary>
    private void StoreQuotient(ulong quotient, ulong remainder, int size)
    {
        SetFlags((Flags & ~Rflags.Arithmetic) | (Flags & (Rflags.Cf | Rflags.Of)) | Rflags.Af);
        if (size == 1)
        {
            WriteGpr(Gpr.Rax, 2, (remainder << 8) | quotient);
            return;
        }

        WriteGpr(Gpr.Rax, size, quotient);
        WriteGpr(Gpr.Rdx, size, remainder);
    }
}
