namespace Vmm.Emulation.Execution;

/// <summary>
/// MOV to and from CR0, CR2, CR3, CR4, CR8 and the debug registers, with the mode switches they make:
/// CR0.PE enters or leaves protected mode; CR0.PG with EFER.LME and CR4.PAE activates long mode (EFER.LMA),
/// clearing it deactivates long mode (Intel SDM Vol. 3A 10.8.5). Writes that change translation flush the TLB.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    private readonly ulong[] _debugRegisters = new ulong[8];

    private static ExecStatus MovToControl(Interpreter c, ref DecodedInstruction d)
    {
        ulong value = c.ReadGpr(d.Reg1, d.OperandSize);
        switch (d.Reg0)
        {
            case 0: c.WriteCr0(value); break;
            case 2: c._cr2 = value; break;
            case 3: c.WriteCr3(value); break;
            case 4: c.WriteCr4(value); break;
            case 8: c._cr8 = value & 0xF; break;
            default: throw new GuestFault(ExceptionVector.InvalidOpcode, null, $"MOV to CR{d.Reg0}");
        }

        return c.Serialize(ref d);
    }

    private static ExecStatus MovFromControl(Interpreter c, ref DecodedInstruction d)
    {
        ulong value = d.Reg0 switch
        {
            0 => c._cr0,
            2 => c._cr2,
            3 => c._cr3,
            4 => c._cr4,
            8 => c._cr8,
            _ => throw new GuestFault(ExceptionVector.InvalidOpcode, null, $"MOV from CR{d.Reg0}"),
        };
        c.WriteGpr(d.Reg1, d.OperandSize, value);
        return ExecStatus.Next;
    }

    // DR6 and DR7 after reset (Intel SDM Vol. 3B 18.2): the reserved bits that read as 1.
    private const ulong Dr6Reset = 0xFFFF_0FF0;
    private const ulong Dr7Reset = 0x400;

    private void ResetDebugRegisters()
    {
        Array.Clear(_debugRegisters);
        _debugRegisters[6] = Dr6Reset;
        _debugRegisters[7] = Dr7Reset;
    }

    /// <summary>DR4 and DR5 are DR6 and DR7 unless CR4.DE is set, when they raise #UD (Intel SDM Vol. 3B 18.2.2).</summary>
    private int DebugRegisterIndex(int index)
    {
        if (index is 4 or 5)
        {
            if ((_cr4 & ControlBits.Cr4De) != 0)
                throw new GuestFault(ExceptionVector.InvalidOpcode, null, $"MOV DR{index} with CR4.DE set");
            return index + 2;
        }

        return index & 7;
    }

    /// <summary>Debug registers are stored and read back; breakpoints are not raised.</summary>
    private static ExecStatus MovToDebug(Interpreter c, ref DecodedInstruction d)
    {
        c._debugRegisters[c.DebugRegisterIndex(d.Reg0)] = c.ReadGpr(d.Reg1, d.OperandSize);
        return ExecStatus.Next;
    }

    private static ExecStatus MovFromDebug(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg1, d.OperandSize, c._debugRegisters[c.DebugRegisterIndex(d.Reg0)]);
        return ExecStatus.Next;
    }

    private void WriteCr0(ulong value)
    {
        if ((value >> 32) != 0)
            throw new GuestFault(ExceptionVector.GeneralProtection, 0, $"CR0 value 0x{value:x} sets reserved bits 32-63");
        // ET is hardwired to 1 (Intel SDM Vol. 3A 2.5).
        value = (value & ControlBits.Cr0Writable) | ControlBits.Cr0Et;
        if ((value & ControlBits.Cr0Pg) != 0 && (value & ControlBits.Cr0Pe) == 0)
            throw new GuestFault(ExceptionVector.GeneralProtection, 0, "CR0.PG set without CR0.PE");
        if ((value & ControlBits.Cr0Nw) != 0 && (value & ControlBits.Cr0Cd) == 0)
            throw new GuestFault(ExceptionVector.GeneralProtection, 0, "CR0.NW set without CR0.CD");

        bool pagingBefore = (_cr0 & ControlBits.Cr0Pg) != 0;
        bool pagingAfter = (value & ControlBits.Cr0Pg) != 0;
        if (!pagingBefore && pagingAfter && (_efer & ControlBits.EferLme) != 0)
        {
            if ((_cr4 & ControlBits.Cr4Pae) == 0)
                throw new GuestFault(ExceptionVector.GeneralProtection, 0, "long mode paging enabled without CR4.PAE");
            if (Segment(SegmentIndex.Cs).IsLong)
                throw new GuestFault(ExceptionVector.GeneralProtection, 0, "long mode paging enabled with CS.L set");
            _efer |= ControlBits.EferLma;
        }
        else if (pagingBefore && !pagingAfter && (_efer & ControlBits.EferLma) != 0)
        {
            if (_codeBitness == 64)
                throw new GuestFault(ExceptionVector.GeneralProtection, 0, "paging disabled in 64-bit mode");
            _efer &= ~ControlBits.EferLma;
        }

        const ulong translation = ControlBits.Cr0Pg | ControlBits.Cr0Wp | ControlBits.Cr0Pe;
        bool flush = ((_cr0 ^ value) & translation) != 0;
        _cr0 = value;
        UpdateMode();
        if (flush)
            FlushTlb();
    }

    private void WriteCr3(ulong value)
    {
        _cr3 = value;
        FlushTlb();
    }

    private void WriteCr4(ulong value)
    {
        if ((value & ~ControlBits.Cr4Writable) != 0)
            throw new GuestFault(ExceptionVector.GeneralProtection, 0, $"CR4 value 0x{value:x} sets bits this CPU does not have");
        if ((_efer & ControlBits.EferLma) != 0 && (value & ControlBits.Cr4Pae) == 0)
            throw new GuestFault(ExceptionVector.GeneralProtection, 0, "CR4.PAE cleared in long mode");
        _cr4 = value;
        FlushTlb();
    }
}
