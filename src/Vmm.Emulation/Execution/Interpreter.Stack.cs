namespace Vmm.Emulation.Execution;

/// <summary>
/// The stack: SS:SP, SS:ESP or RSP by the stack size (SS.B, or 64-bit mode), operands of the instruction's
/// size. A push writes memory before RSP changes, so a faulting push leaves RSP as it was.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    private void Push(ulong value, int size)
    {
        ulong sp = Reg(Gpr.Rsp) - (ulong)size;
        ulong offset = sp & SizeMask(_stackSize);
        Write(Linear(SegmentIndex.Ss, offset), size, value);
        WriteAddressRegister(Gpr.Rsp, _stackSize, sp);
    }

    private ulong Pop(int size)
    {
        ulong sp = Reg(Gpr.Rsp);
        ulong value = Read(Linear(SegmentIndex.Ss, sp & SizeMask(_stackSize)), size);
        WriteAddressRegister(Gpr.Rsp, _stackSize, sp + (ulong)size);
        return value;
    }

    /// <summary>Reads the stack slot <paramref name="depth"/> bytes above SP without popping it.</summary>
    private ulong PeekStack(ulong depth, int size) =>
        Read(Linear(SegmentIndex.Ss, (Reg(Gpr.Rsp) + depth) & SizeMask(_stackSize)), size);

    private void AdjustStack(ulong bytes) => WriteAddressRegister(Gpr.Rsp, _stackSize, Reg(Gpr.Rsp) + bytes);

    private static ExecStatus PushReg(Interpreter c, ref DecodedInstruction d)
    {
        c.Push(c.ReadGpr(d.Reg0, d.OperandSize), d.OperandSize);
        return ExecStatus.Next;
    }

    private static ExecStatus PushMem(Interpreter c, ref DecodedInstruction d)
    {
        c.Push(c.Read(c.LinearAddress(ref d), d.OperandSize), d.OperandSize);
        return ExecStatus.Next;
    }

    private static ExecStatus PushImm(Interpreter c, ref DecodedInstruction d)
    {
        c.Push(d.Immediate, d.OperandSize);
        return ExecStatus.Next;
    }

    /// <summary>PUSH Sreg: the selector, zero-extended to the operand size.</summary>
    private static ExecStatus PushSegment(Interpreter c, ref DecodedInstruction d)
    {
        c.Push(c.Segment(d.Reg0).Selector, d.OperandSize);
        return ExecStatus.Next;
    }

    private static ExecStatus PopReg(Interpreter c, ref DecodedInstruction d)
    {
        // POP RSP loads the popped value: the increment is overwritten.
        ulong value = c.Pop(d.OperandSize);
        c.WriteGpr(d.Reg0, d.OperandSize, value);
        return ExecStatus.Next;
    }

    private static ExecStatus PopMem(Interpreter c, ref DecodedInstruction d)
    {
        // The destination address is computed after RSP is incremented (Intel SDM Vol. 2B, POP).
        ulong sp = c.Reg(Gpr.Rsp);
        ulong value = c.Pop(d.OperandSize);
        try
        {
            c.Write(c.LinearAddress(ref d), d.OperandSize, value);
        }
        catch (GuestFault)
        {
            c.Reg(Gpr.Rsp) = sp;
            throw;
        }

        return ExecStatus.Next;
    }

    private static ExecStatus PopSegment(Interpreter c, ref DecodedInstruction d)
    {
        ushort selector = (ushort)c.PeekStack(0, d.OperandSize);
        c.LoadSegment(d.Reg0, selector);
        c.AdjustStack(d.OperandSize);
        c.ShadowIfStackSegment(d.Reg0);
        return ExecStatus.Next;
    }

    /// <summary>PUSHF: RFLAGS with VM and RF cleared in the image (Intel SDM Vol. 2B, PUSHF).</summary>
    private static ExecStatus Pushf(Interpreter c, ref DecodedInstruction d)
    {
        c.Push(c.Flags & ~(Rflags.Vm | Rflags.Rf), d.OperandSize);
        return ExecStatus.Next;
    }

    /// <summary>
    /// POPF at CPL 0: every flag but VM, RF, VIP and VIF (a 16-bit POPF only the low 16). TF is stored but
    /// single-step traps are not raised.
    /// </summary>
    private static ExecStatus Popf(Interpreter c, ref DecodedInstruction d)
    {
        ulong value = c.Pop(d.OperandSize);
        ulong writable = d.OperandSize == 2 ? Rflags.PopfWritable & 0xFFFF : Rflags.PopfWritable;
        ulong before = c._flags;
        c.SetFlags((c.Flags & ~writable) | (value & writable) | Rflags.Reserved1);
        if ((before & Rflags.If) == 0 && (c._flags & Rflags.If) != 0)
            c._endBlock = true;   // an interrupt may be waiting: look before the next instruction
        return ExecStatus.Next;
    }

    private static ExecStatus Pusha(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong sp = c.ReadGpr(Gpr.Rsp, size);
        foreach (int reg in (ReadOnlySpan<int>)[Gpr.Rax, Gpr.Rcx, Gpr.Rdx, Gpr.Rbx])
            c.Push(c.ReadGpr(reg, size), size);
        c.Push(sp, size);
        foreach (int reg in (ReadOnlySpan<int>)[Gpr.Rbp, Gpr.Rsi, Gpr.Rdi])
            c.Push(c.ReadGpr(reg, size), size);
        return ExecStatus.Next;
    }

    private static ExecStatus Popa(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        foreach (int reg in (ReadOnlySpan<int>)[Gpr.Rdi, Gpr.Rsi, Gpr.Rbp])
            c.WriteGpr(reg, size, c.Pop(size));
        c.AdjustStack((ulong)size);
        foreach (int reg in (ReadOnlySpan<int>)[Gpr.Rbx, Gpr.Rdx, Gpr.Rcx, Gpr.Rax])
            c.WriteGpr(reg, size, c.Pop(size));
        return ExecStatus.Next;
    }

    /// <summary>ENTER size, level (Intel SDM Vol. 2A, ENTER): push rBP, copy level-1 frame pointers, allocate.</summary>
    private static ExecStatus Enter(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        int level = d.Condition;
        c.Push(c.ReadGpr(Gpr.Rbp, size), size);
        ulong frame = c.Reg(Gpr.Rsp) & SizeMask(c._stackSize);
        if (level > 0)
        {
            ulong bp = c.Reg(Gpr.Rbp);
            for (int i = 1; i < level; i++)
            {
                bp -= (ulong)size;
                c.Push(c.Read(c.Linear(SegmentIndex.Ss, bp & SizeMask(c._stackSize)), size), size);
            }

            c.Push(frame, size);
        }

        c.WriteGpr(Gpr.Rbp, size, frame);
        c.WriteAddressRegister(Gpr.Rsp, c._stackSize, c.Reg(Gpr.Rsp) - d.Immediate);
        return ExecStatus.Next;
    }

    private static ExecStatus Leave(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteAddressRegister(Gpr.Rsp, c._stackSize, c.Reg(Gpr.Rbp));
        c.WriteGpr(Gpr.Rbp, d.OperandSize, c.Pop(d.OperandSize));
        return ExecStatus.Next;
    }
}
