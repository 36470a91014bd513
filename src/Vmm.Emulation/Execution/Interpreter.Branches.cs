namespace Vmm.Emulation.Execution;

/// <summary>
/// Jumps, calls, returns, Jcc, LOOP and JCXZ. Near targets come pre-computed (and wrapped to the operand
/// size) from Iced; far transfers load CS through <see cref="LoadCodeSegment"/>, which may change the code
/// size, so every branch ends its block.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    private static ExecStatus Jcc(Interpreter c, ref DecodedInstruction d)
    {
        c._rip = c.Condition(d.Condition) ? d.Immediate : d.NextIp;
        return ExecStatus.Branch;
    }

    private static ExecStatus JmpRelative(Interpreter c, ref DecodedInstruction d)
    {
        c._rip = d.Immediate;
        return ExecStatus.Branch;
    }

    private static ExecStatus JmpIndirectReg(Interpreter c, ref DecodedInstruction d)
    {
        c._rip = c.ReadGpr(d.Reg0, d.OperandSize);
        return ExecStatus.Branch;
    }

    private static ExecStatus JmpIndirectMem(Interpreter c, ref DecodedInstruction d)
    {
        c._rip = c.Read(c.LinearAddress(ref d), d.OperandSize);
        return ExecStatus.Branch;
    }

    private static ExecStatus CallRelative(Interpreter c, ref DecodedInstruction d)
    {
        c.Push(d.NextIp, d.OperandSize);
        c._rip = d.Immediate;
        return ExecStatus.Branch;
    }

    private static ExecStatus CallIndirectReg(Interpreter c, ref DecodedInstruction d)
    {
        ulong target = c.ReadGpr(d.Reg0, d.OperandSize);
        c.Push(d.NextIp, d.OperandSize);
        c._rip = target;
        return ExecStatus.Branch;
    }

    private static ExecStatus CallIndirectMem(Interpreter c, ref DecodedInstruction d)
    {
        ulong target = c.Read(c.LinearAddress(ref d), d.OperandSize);
        c.Push(d.NextIp, d.OperandSize);
        c._rip = target;
        return ExecStatus.Branch;
    }

    private static ExecStatus Ret(Interpreter c, ref DecodedInstruction d)
    {
        ulong target = c.Pop(d.OperandSize);
        c.AdjustStack(d.Immediate);
        c._rip = target;
        return ExecStatus.Branch;
    }

    /// <summary>JMP ptr16:16/32: the selector is in <see cref="DecodedInstruction.Displacement"/>.</summary>
    private static ExecStatus JmpFarPointer(Interpreter c, ref DecodedInstruction d)
    {
        c.LoadCodeSegment((ushort)d.Displacement);
        c._rip = d.Immediate;
        return ExecStatus.Branch;
    }

    private static ExecStatus JmpFarMem(Interpreter c, ref DecodedInstruction d)
    {
        ulong linear = c.LinearAddress(ref d);
        ulong offset = c.Read(linear, d.OperandSize);
        ushort selector = (ushort)c.Read((linear + d.OperandSize) & c._linearMask, 2);
        c.LoadCodeSegment(selector);
        c._rip = offset;
        return ExecStatus.Branch;
    }

    private static ExecStatus CallFarPointer(Interpreter c, ref DecodedInstruction d)
    {
        c.FarCall((ushort)d.Displacement, d.Immediate, d.NextIp, d.OperandSize);
        return ExecStatus.Branch;
    }

    private static ExecStatus CallFarMem(Interpreter c, ref DecodedInstruction d)
    {
        ulong linear = c.LinearAddress(ref d);
        ulong offset = c.Read(linear, d.OperandSize);
        ushort selector = (ushort)c.Read((linear + d.OperandSize) & c._linearMask, 2);
        c.FarCall(selector, offset, d.NextIp, d.OperandSize);
        return ExecStatus.Branch;
    }

    private void FarCall(ushort selector, ulong offset, ulong returnIp, int size)
    {
        ushort returnCs = Segment(SegmentIndex.Cs).Selector;
        ulong sp = Reg(Gpr.Rsp);
        LoadCodeSegment(selector);
        try
        {
            Push(returnCs, size);
            Push(returnIp, size);
        }
        catch (GuestFault)
        {
            Reg(Gpr.Rsp) = sp;
            throw;
        }

        _rip = offset;
    }

    /// <summary>RETF [imm16]: IP then CS from the stack, then the immediate released.</summary>
    private static ExecStatus Retf(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong offset = c.PeekStack(0, size);
        ushort selector = (ushort)c.PeekStack((ulong)size, size);
        c.LoadCodeSegment(selector);
        c.AdjustStack((ulong)(2 * size) + d.Immediate);
        c._rip = offset;
        return ExecStatus.Branch;
    }

    /// <summary>
    /// IRET to the same privilege level: IP, CS and FLAGS from the stack; in 64-bit mode also RSP and SS
    /// (always, Intel SDM Vol. 2A IRET). Task returns (NT), virtual-8086 mode and privilege changes are
    /// emulation limits. IRET is serializing: cached code is revalidated.
    /// </summary>
    private static ExecStatus Iret(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        if (c.ProtectedMode && (c._flags & Rflags.Nt) != 0 && (c._efer & ControlBits.EferLma) == 0)
            throw new EmulationLimit("IRET with NT set (a task return) is not emulated");
        ulong offset = c.PeekStack(0, size);
        ushort selector = (ushort)c.PeekStack((ulong)size, size);
        ulong flags = c.PeekStack((ulong)(2 * size), size);
        bool stackToo = c._codeBitness == 64;
        ulong newSp = 0;
        ushort newSs = 0;
        if (stackToo)
        {
            newSp = c.PeekStack((ulong)(3 * size), size);
            newSs = (ushort)c.PeekStack((ulong)(4 * size), size);
        }

        if (c.ProtectedMode && (flags & Rflags.Vm) != 0 && size != 2)
            throw new EmulationLimit("IRET to virtual-8086 mode is not emulated");
        c.LoadCodeSegment(selector);
        if (stackToo)
        {
            c.LoadSegment(SegmentIndex.Ss, newSs);
            c.Reg(Gpr.Rsp) = newSp;
        }
        else
        {
            c.AdjustStack((ulong)(3 * size));
        }

        ulong writable = size == 2 ? Rflags.PopfWritable & 0xFFFF : Rflags.PopfWritable;
        c.SetFlags((c.Flags & ~writable) | (flags & writable) | Rflags.Reserved1);
        c._rip = size == 2 ? offset & 0xFFFF : offset;
        c._epoch++;
        return ExecStatus.Branch;
    }

    /// <summary>LOOP (Condition 0), LOOPE (1), LOOPNE (2): decrement the address-size counter, then branch.</summary>
    private static ExecStatus Loop(Interpreter c, ref DecodedInstruction d)
    {
        ulong count = (c.Reg(Gpr.Rcx) - 1) & d.AddressMask;
        c.WriteAddressRegister(Gpr.Rcx, d.AddressSize, count);
        bool taken = count != 0 && d.Condition switch
        {
            1 => c.Condition(4),
            2 => c.Condition(5),
            _ => true,
        };
        c._rip = taken ? d.Immediate : d.NextIp;
        return ExecStatus.Branch;
    }

    private static ExecStatus Jcxz(Interpreter c, ref DecodedInstruction d)
    {
        c._rip = (c.Reg(Gpr.Rcx) & d.AddressMask) == 0 ? d.Immediate : d.NextIp;
        return ExecStatus.Branch;
    }
}
