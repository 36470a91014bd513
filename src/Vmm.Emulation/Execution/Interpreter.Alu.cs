namespace Vmm.Emulation.Execution;

/// <summary>ALU instructions in their five forms, INC, DEC, NOT and NEG.</summary>
internal sealed unsafe partial class Interpreter
{
    private static ExecStatus AluRegReg<T>(Interpreter c, ref DecodedInstruction d) where T : struct, IAluOperation
    {
        int size = d.OperandSize;
        ulong result = T.Execute(c, c.ReadGpr(d.Reg0, size), c.ReadGpr(d.Reg1, size), size);
        if (T.WritesResult)
            c.WriteGpr(d.Reg0, size, result);
        return ExecStatus.Next;
    }

    private static ExecStatus AluRegMem<T>(Interpreter c, ref DecodedInstruction d) where T : struct, IAluOperation
    {
        int size = d.OperandSize;
        ulong source = c.Read(c.LinearAddress(ref d), size);
        ulong result = T.Execute(c, c.ReadGpr(d.Reg0, size), source, size);
        if (T.WritesResult)
            c.WriteGpr(d.Reg0, size, result);
        return ExecStatus.Next;
    }

    private static ExecStatus AluRegImm<T>(Interpreter c, ref DecodedInstruction d) where T : struct, IAluOperation
    {
        int size = d.OperandSize;
        ulong result = T.Execute(c, c.ReadGpr(d.Reg0, size), d.Immediate, size);
        if (T.WritesResult)
            c.WriteGpr(d.Reg0, size, result);
        return ExecStatus.Next;
    }

    private static ExecStatus AluMemReg<T>(Interpreter c, ref DecodedInstruction d) where T : struct, IAluOperation
    {
        int size = d.OperandSize;
        ulong linear = c.LinearAddress(ref d);
        ulong result = T.Execute(c, c.Read(linear, size), c.ReadGpr(d.Reg1, size), size);
        if (T.WritesResult)
            c.Write(linear, size, result);
        return ExecStatus.Next;
    }

    private static ExecStatus AluMemImm<T>(Interpreter c, ref DecodedInstruction d) where T : struct, IAluOperation
    {
        int size = d.OperandSize;
        ulong linear = c.LinearAddress(ref d);
        ulong result = T.Execute(c, c.Read(linear, size), d.Immediate, size);
        if (T.WritesResult)
            c.Write(linear, size, result);
        return ExecStatus.Next;
    }

    private ulong Increment(ulong value, int size)
    {
        _lazyCarry = Carry() != 0;
        ulong result = (value + 1) & SizeMask(size);
        SetLazy(FlagOp.Inc, value, 1, result, size);
        return result;
    }

    private ulong Decrement(ulong value, int size)
    {
        _lazyCarry = Carry() != 0;
        ulong result = (value - 1) & SizeMask(size);
        SetLazy(FlagOp.Dec, value, 1, result, size);
        return result;
    }

    private ulong Negate(ulong value, int size)
    {
        ulong result = (0 - value) & SizeMask(size);
        SetLazy(FlagOp.Neg, 0, value, result, size);
        return result;
    }

    private static ExecStatus IncReg(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, c.Increment(c.ReadGpr(d.Reg0, d.OperandSize), d.OperandSize));
        return ExecStatus.Next;
    }

    private static ExecStatus IncMem(Interpreter c, ref DecodedInstruction d)
    {
        ulong linear = c.LinearAddress(ref d);
        c.Write(linear, d.OperandSize, c.Increment(c.Read(linear, d.OperandSize), d.OperandSize));
        return ExecStatus.Next;
    }

    private static ExecStatus DecReg(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, c.Decrement(c.ReadGpr(d.Reg0, d.OperandSize), d.OperandSize));
        return ExecStatus.Next;
    }

    private static ExecStatus DecMem(Interpreter c, ref DecodedInstruction d)
    {
        ulong linear = c.LinearAddress(ref d);
        c.Write(linear, d.OperandSize, c.Decrement(c.Read(linear, d.OperandSize), d.OperandSize));
        return ExecStatus.Next;
    }

    private static ExecStatus NotReg(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, ~c.ReadGpr(d.Reg0, d.OperandSize));
        return ExecStatus.Next;
    }

    private static ExecStatus NotMem(Interpreter c, ref DecodedInstruction d)
    {
        ulong linear = c.LinearAddress(ref d);
        c.Write(linear, d.OperandSize, ~c.Read(linear, d.OperandSize));
        return ExecStatus.Next;
    }

    private static ExecStatus NegReg(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, c.Negate(c.ReadGpr(d.Reg0, d.OperandSize), d.OperandSize));
        return ExecStatus.Next;
    }

    private static ExecStatus NegMem(Interpreter c, ref DecodedInstruction d)
    {
        ulong linear = c.LinearAddress(ref d);
        c.Write(linear, d.OperandSize, c.Negate(c.Read(linear, d.OperandSize), d.OperandSize));
        return ExecStatus.Next;
    }
}
