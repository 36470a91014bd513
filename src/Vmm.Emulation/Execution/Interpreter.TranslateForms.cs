using Iced.Intel;

namespace Vmm.Emulation.Execution;

/// <summary>
/// The helpers <see cref="TranslateInstruction"/> uses: register numbering, the memory operand, and one
/// method per instruction form (two operands, one operand, MOV's special registers, stack, branches, strings).
/// </summary>
internal sealed unsafe partial class Interpreter
{
    private static bool Set(ref DecodedInstruction d, delegate*<Interpreter, ref DecodedInstruction, ExecStatus> handler)
    {
        d.Handler = handler;
        return false;
    }

    private static bool Ends(ref DecodedInstruction d, delegate*<Interpreter, ref DecodedInstruction, ExecStatus> handler)
    {
        d.Handler = handler;
        return true;
    }

    private static bool SizedSet(ref DecodedInstruction d, int size, delegate*<Interpreter, ref DecodedInstruction, ExecStatus> handler)
    {
        d.OperandSize = (byte)size;
        d.Handler = handler;
        return false;
    }

    private static bool SizedEnds(ref DecodedInstruction d, int size, delegate*<Interpreter, ref DecodedInstruction, ExecStatus> handler)
    {
        d.OperandSize = (byte)size;
        d.Handler = handler;
        return true;
    }

    private static bool Unsupported(ref DecodedInstruction d)
    {
        d.Handler = &UnsupportedInstruction;
        return true;
    }

    private static byte ConditionNumber(ConditionCode code) => (byte)((int)code - 1);

    private static bool IsGpr(Register register) => register.IsGPR();

    /// <summary>The interpreter's number for a general register of any size (AH-BH are <see cref="Gpr.HighByte"/>+0..3).</summary>
    private static byte GprNumber(Register register)
    {
        if (register.IsGPR8())
        {
            int n = register - Register.AL;
            return (byte)(n < 4 ? n : n < 8 ? Gpr.HighByte + n - 4 : n - 4);
        }

        if (register.IsGPR16())
            return (byte)(register - Register.AX);
        if (register.IsGPR32())
            return (byte)(register - Register.EAX);
        return (byte)(register - Register.RAX);
    }

    private static byte SegmentNumber(Register register) => (byte)(register - Register.ES);

    private static bool IsImmediate(OpKind kind) => kind is OpKind.Immediate8 or OpKind.Immediate16 or OpKind.Immediate32
        or OpKind.Immediate64 or OpKind.Immediate8to16 or OpKind.Immediate8to32 or OpKind.Immediate8to64 or OpKind.Immediate32to64;

    private static void DecodeMemoryOperand(in Instruction i, ref DecodedInstruction d)
    {
        Register baseRegister = i.MemoryBase;
        Register index = i.MemoryIndex;
        int addressSize;
        if (baseRegister is Register.RIP or Register.EIP)
        {
            d.Displacement = i.IPRelativeMemoryAddress;
            addressSize = baseRegister == Register.RIP ? 8 : 4;
        }
        else
        {
            d.Displacement = i.MemoryDisplacement64;
            if (baseRegister != Register.None)
            {
                d.Base = GprNumber(baseRegister);
                addressSize = baseRegister.GetSize();
            }
            else
            {
                addressSize = index != Register.None ? index.GetSize() : i.MemoryDisplSize;
            }
        }

        if (index != Register.None && !index.IsGPR8())
        {
            d.Index = GprNumber(index);
            d.Scale = (byte)System.Numerics.BitOperations.Log2((uint)i.MemoryIndexScale);
        }

        d.Segment = SegmentNumber(i.MemorySegment);
        d.AddressSize = (byte)addressSize;
        d.AddressMask = SizeMask(addressSize);
    }

    /// <summary>Operand 0 and 1 of a two-operand instruction: registers, size and immediate, and which form it is.</summary>
    private static Form BinaryForm(in Instruction i, ref DecodedInstruction d)
    {
        OpKind first = i.Op0Kind;
        OpKind second = i.OpCount > 1 ? i.Op1Kind : OpKind.Register;
        if (first == OpKind.Register && IsGpr(i.Op0Register))
        {
            d.Reg0 = GprNumber(i.Op0Register);
            d.OperandSize = (byte)i.Op0Register.GetSize();
            if (second == OpKind.Register && i.OpCount > 1 && IsGpr(i.Op1Register))
            {
                d.Reg1 = GprNumber(i.Op1Register);
                return Form.RegReg;
            }

            if (second == OpKind.Memory)
                return Form.RegMem;
            if (IsImmediate(second))
            {
                d.Immediate = i.GetImmediate(1) & SizeMask(d.OperandSize);
                return Form.RegImm;
            }
        }
        else if (first == OpKind.Memory)
        {
            d.OperandSize = (byte)i.MemorySize.GetSize();
            if (second == OpKind.Register && i.OpCount > 1 && IsGpr(i.Op1Register))
            {
                d.Reg1 = GprNumber(i.Op1Register);
                return Form.MemReg;
            }

            if (IsImmediate(second))
            {
                d.Immediate = i.GetImmediate(1) & SizeMask(d.OperandSize);
                return Form.MemImm;
            }
        }

        return Form.None;
    }

    private static bool TranslateBinary(in Instruction i, ref DecodedInstruction d,
        delegate*<Interpreter, ref DecodedInstruction, ExecStatus> regReg,
        delegate*<Interpreter, ref DecodedInstruction, ExecStatus> regMem,
        delegate*<Interpreter, ref DecodedInstruction, ExecStatus> memReg,
        delegate*<Interpreter, ref DecodedInstruction, ExecStatus> regImm,
        delegate*<Interpreter, ref DecodedInstruction, ExecStatus> memImm)
    {
        var handler = BinaryForm(in i, ref d) switch
        {
            Form.RegReg => regReg,
            Form.RegMem => regMem,
            Form.MemReg => memReg,
            Form.RegImm => regImm,
            Form.MemImm => memImm,
            _ => null,
        };
        if (handler == null || d.OperandSize is not (1 or 2 or 4 or 8))
            return Unsupported(ref d);
        d.Handler = handler;
        return false;
    }

    private static bool TranslateAlu<T>(in Instruction i, ref DecodedInstruction d) where T : struct, IAluOperation =>
        TranslateBinary(in i, ref d, &AluRegReg<T>, &AluRegMem<T>, &AluMemReg<T>, &AluRegImm<T>, &AluMemImm<T>);

    /// <summary>One register-or-memory operand (INC, NOT, MUL, SETcc, LLDT...).</summary>
    private static bool TranslateUnary(in Instruction i, ref DecodedInstruction d,
        delegate*<Interpreter, ref DecodedInstruction, ExecStatus> reg,
        delegate*<Interpreter, ref DecodedInstruction, ExecStatus> mem, bool ends = false)
    {
        if (i.Op0Kind == OpKind.Register && IsGpr(i.Op0Register))
        {
            d.Reg0 = GprNumber(i.Op0Register);
            d.OperandSize = (byte)i.Op0Register.GetSize();
            d.Handler = reg;
        }
        else if (i.Op0Kind == OpKind.Memory)
        {
            d.OperandSize = (byte)i.MemorySize.GetSize();
            d.Handler = mem;
        }
        else
        {
            return Unsupported(ref d);
        }

        return ends;
    }

    private static bool TranslateMov(in Instruction i, ref DecodedInstruction d)
    {
        Register r0 = i.Op0Kind == OpKind.Register ? i.Op0Register : Register.None;
        Register r1 = i.Op1Kind == OpKind.Register ? i.Op1Register : Register.None;
        if (r0.IsSegmentRegister())
        {
            d.Reg0 = SegmentNumber(r0);
            if (d.Reg0 == SegmentIndex.Cs)
            {
                d.Handler = &InvalidOpcode;
                return true;
            }

            d.OperandSize = 2;
            if (i.Op1Kind == OpKind.Register)
            {
                d.Reg1 = GprNumber(r1);
                return Set(ref d, &MovSegmentReg);
            }

            return Set(ref d, &MovSegmentMem);
        }

        if (r1.IsSegmentRegister())
        {
            d.Reg1 = SegmentNumber(r1);
            if (i.Op0Kind == OpKind.Register)
            {
                d.Reg0 = GprNumber(r0);
                d.OperandSize = (byte)r0.GetSize();
                return Set(ref d, &MovRegSegment);
            }

            d.OperandSize = 2;
            return Set(ref d, &MovMemSegment);
        }

        if (r0.IsCR() || r1.IsCR())
        {
            bool toControl = r0.IsCR();
            d.Reg0 = (byte)((toControl ? r0 : r1) - Register.CR0);
            d.Reg1 = GprNumber(toControl ? r1 : r0);
            d.OperandSize = (byte)(toControl ? r1 : r0).GetSize();
            return toControl ? Ends(ref d, &MovToControl) : Set(ref d, &MovFromControl);
        }

        if (r0.IsDR() || r1.IsDR())
        {
            bool toDebug = r0.IsDR();
            d.Reg0 = (byte)((toDebug ? r0 : r1) - Register.DR0);
            d.Reg1 = GprNumber(toDebug ? r1 : r0);
            d.OperandSize = (byte)(toDebug ? r1 : r0).GetSize();
            return Set(ref d, toDebug ? &MovToDebug : &MovFromDebug);
        }

        return TranslateBinary(in i, ref d, &MovRegReg, &MovRegMem, &MovMemReg, &MovRegImm, &MovMemImm);
    }

    private static bool TranslateExtend(in Instruction i, ref DecodedInstruction d,
        delegate*<Interpreter, ref DecodedInstruction, ExecStatus> regReg,
        delegate*<Interpreter, ref DecodedInstruction, ExecStatus> regMem)
    {
        d.Reg0 = GprNumber(i.Op0Register);
        d.OperandSize = (byte)i.Op0Register.GetSize();
        if (i.Op1Kind == OpKind.Register)
        {
            d.Reg1 = GprNumber(i.Op1Register);
            d.OtherSize = (byte)i.Op1Register.GetSize();
            return Set(ref d, regReg);
        }

        d.OtherSize = (byte)i.MemorySize.GetSize();
        return Set(ref d, regMem);
    }

    private static bool TranslateFarPointer(in Instruction i, ref DecodedInstruction d, byte segment)
    {
        d.Reg0 = GprNumber(i.Op0Register);
        d.OperandSize = (byte)i.Op0Register.GetSize();
        d.Condition = segment;
        return Set(ref d, &LoadFarPointer);
    }

    private static bool TranslateImul(in Instruction i, ref DecodedInstruction d)
    {
        if (i.OpCount == 1)
            return TranslateUnary(in i, ref d, &ImulReg, &ImulMem);
        d.Reg0 = GprNumber(i.Op0Register);
        d.OperandSize = (byte)i.Op0Register.GetSize();
        d.Immediate = i.OpCount == 3 ? i.GetImmediate(2) & SizeMask(d.OperandSize) : 0;
        d.Condition = (byte)(i.OpCount == 3 ? 1 : 0);
        if (i.Op1Kind == OpKind.Register)
        {
            d.Reg1 = GprNumber(i.Op1Register);
            return Set(ref d, &ImulRegReg);
        }

        return Set(ref d, &ImulRegMem);
    }

    private static bool TranslateShift(in Instruction i, ref DecodedInstruction d, ShiftOperation operation)
    {
        d.Condition = (byte)operation;
        // The count is CL (OtherSize 1) or an immediate (OtherSize 0), masked at run time.
        if (i.Op1Kind == OpKind.Register)
            d.OtherSize = 1;
        else
            d.Immediate = i.GetImmediate(1);
        return TranslateUnary(in i, ref d, &ShiftReg, &ShiftMem);
    }

    private static bool TranslateDoubleShift(in Instruction i, ref DecodedInstruction d, bool left)
    {
        d.Condition = (byte)(left ? 1 : 0);
        d.Reg1 = GprNumber(i.Op1Register);
        if (i.Op2Kind == OpKind.Register)
            d.OtherSize = 1;
        else
            d.Immediate = i.GetImmediate(2);
        return TranslateUnary(in i, ref d, &DoubleShiftReg, &DoubleShiftMem);
    }

    private static bool TranslateBitTest(in Instruction i, ref DecodedInstruction d, byte operation)
    {
        d.Condition = operation;
        return TranslateBinary(in i, ref d, &BitTestRegReg, null, &BitTestMemReg, &BitTestRegImm, &BitTestMemImm);
    }

    private static bool TranslateBitScan(in Instruction i, ref DecodedInstruction d, bool reverse)
    {
        d.Condition = (byte)(reverse ? 1 : 0);
        return TranslateBinary(in i, ref d, &BitScanRegReg, &BitScanRegMem, null, null, null);
    }

    private static bool TranslatePush(in Instruction i, ref DecodedInstruction d)
    {
        d.OperandSize = (byte)(-i.StackPointerIncrement);
        OpKind kind = i.Op0Kind;
        if (kind == OpKind.Register && i.Op0Register.IsSegmentRegister())
        {
            d.Reg0 = SegmentNumber(i.Op0Register);
            return Set(ref d, &PushSegment);
        }

        if (kind == OpKind.Register)
        {
            d.Reg0 = GprNumber(i.Op0Register);
            return Set(ref d, &PushReg);
        }

        if (kind == OpKind.Memory)
            return Set(ref d, &PushMem);
        d.Immediate = i.GetImmediate(0) & SizeMask(d.OperandSize);
        return Set(ref d, &PushImm);
    }

    private static bool TranslatePop(in Instruction i, ref DecodedInstruction d)
    {
        d.OperandSize = (byte)i.StackPointerIncrement;
        if (i.Op0Kind == OpKind.Register && i.Op0Register.IsSegmentRegister())
        {
            d.Reg0 = SegmentNumber(i.Op0Register);
            return d.Reg0 == SegmentIndex.Cs ? Ends(ref d, &InvalidOpcode) : Set(ref d, &PopSegment);
        }

        if (i.Op0Kind == OpKind.Register)
        {
            d.Reg0 = GprNumber(i.Op0Register);
            return Set(ref d, &PopReg);
        }

        return Set(ref d, &PopMem);
    }

    private static bool TranslateJmpOrCall(in Instruction i, ref DecodedInstruction d, bool call)
    {
        switch (i.Op0Kind)
        {
            case OpKind.NearBranch16:
            case OpKind.NearBranch32:
            case OpKind.NearBranch64:
                d.Immediate = i.NearBranchTarget;
                d.OperandSize = (byte)(i.Op0Kind switch { OpKind.NearBranch16 => 2, OpKind.NearBranch32 => 4, _ => 8 });
                return Ends(ref d, call ? &CallRelative : &JmpRelative);
            case OpKind.FarBranch16:
            case OpKind.FarBranch32:
                d.Immediate = i.Op0Kind == OpKind.FarBranch16 ? i.FarBranch16 : i.FarBranch32;
                d.Reg0 = 0;
                d.OperandSize = (byte)(i.Op0Kind == OpKind.FarBranch16 ? 2 : 4);
                d.OtherSize = 0;
                d.Displacement = i.FarBranchSelector;
                return Ends(ref d, call ? &CallFarPointer : &JmpFarPointer);
            case OpKind.Register:
                d.Reg0 = GprNumber(i.Op0Register);
                d.OperandSize = (byte)i.Op0Register.GetSize();
                return Ends(ref d, call ? &CallIndirectReg : &JmpIndirectReg);
            case OpKind.Memory:
                if (i.IsJmpFarIndirect || i.IsCallFarIndirect)
                {
                    d.OperandSize = (byte)(i.MemorySize switch { MemorySize.SegPtr16 => 2, MemorySize.SegPtr32 => 4, _ => 8 });
                    return Ends(ref d, call ? &CallFarMem : &JmpFarMem);
                }

                d.OperandSize = (byte)i.MemorySize.GetSize();
                return Ends(ref d, call ? &CallIndirectMem : &JmpIndirectMem);
        }

        return Unsupported(ref d);
    }

    private static bool TranslateLoop(in Instruction i, ref DecodedInstruction d, byte kind)
    {
        d.Condition = kind;
        d.Immediate = i.NearBranchTarget;
        // The counter is the register the code names last: Loop_rel8_32_CX counts CX (a 67h prefix in 32-bit code).
        d.AddressSize = (byte)(i.Code switch
        {
            Code.Loop_rel8_16_CX or Code.Loop_rel8_32_CX or Code.Loope_rel8_16_CX or Code.Loope_rel8_32_CX
                or Code.Loopne_rel8_16_CX or Code.Loopne_rel8_32_CX => 2,
            Code.Loop_rel8_16_ECX or Code.Loop_rel8_32_ECX or Code.Loop_rel8_64_ECX or Code.Loope_rel8_16_ECX
                or Code.Loope_rel8_32_ECX or Code.Loope_rel8_64_ECX or Code.Loopne_rel8_16_ECX or Code.Loopne_rel8_32_ECX
                or Code.Loopne_rel8_64_ECX => 4,
            _ => 8,
        });
        d.AddressMask = SizeMask(d.AddressSize);
        return Ends(ref d, &Loop);
    }

    private static bool TranslateJcxz(in Instruction i, ref DecodedInstruction d, int counterSize)
    {
        d.Immediate = i.NearBranchTarget;
        d.AddressSize = (byte)counterSize;
        d.AddressMask = SizeMask(counterSize);
        return Ends(ref d, &Jcxz);
    }

    /// <summary>A string instruction: size, address size (from the SI/DI form), source segment, REP prefix.</summary>
    private static bool TranslateString(in Instruction i, ref DecodedInstruction d, delegate*<Interpreter, ref DecodedInstruction, ExecStatus> handler,
        bool compares = false)
    {
        d.OperandSize = (byte)i.MemorySize.GetSize();
        int addressSize = 0;
        for (int op = 0; op < i.OpCount; op++)
        {
            switch (i.GetOpKind(op))
            {
                case OpKind.MemorySegSI or OpKind.MemoryESDI: addressSize = 2; break;
                case OpKind.MemorySegESI or OpKind.MemoryESEDI: addressSize = 4; break;
                case OpKind.MemorySegRSI or OpKind.MemoryESRDI: addressSize = 8; break;
                case OpKind.Register when i.GetOpRegister(op) is Register.AL or Register.AX or Register.EAX or Register.RAX:
                    d.OperandSize = (byte)i.GetOpRegister(op).GetSize();
                    break;
            }
        }

        d.AddressSize = (byte)addressSize;
        d.AddressMask = SizeMask(addressSize);
        d.Segment = SegmentNumber(i.MemorySegment);
        // MOVS/STOS/LODS/INS/OUTS repeat under F3 or F2 alike; CMPS/SCAS tell REPE (F3) from REPNE (F2).
        d.Rep = (byte)(i.HasRepePrefix ? 1 : i.HasRepnePrefix ? (compares ? 2 : 1) : 0);
        if (d.OperandSize is not (1 or 2 or 4 or 8) || addressSize == 0)
            return Unsupported(ref d);
        d.Handler = handler;
        return false;
    }

    private static bool TranslatePortIo(in Instruction i, ref DecodedInstruction d, int portOperand, int dataOperand,
        delegate*<Interpreter, ref DecodedInstruction, ExecStatus> handler)
    {
        d.OperandSize = (byte)i.GetOpRegister(dataOperand).GetSize();
        // The port is DX (OtherSize 1) or an 8-bit immediate.
        if (i.GetOpKind(portOperand) == OpKind.Register)
            d.OtherSize = 1;
        else
            d.Immediate = i.GetImmediate(portOperand);
        d.Handler = handler;
        return true;
    }

    private static bool TranslateDescriptorTable(in Instruction i, ref DecodedInstruction d)
    {
        // The base is 24 bits with a 16-bit operand size, 32 bits otherwise, 64 bits in 64-bit mode.
        d.OtherSize = (byte)(i.MemorySize == MemorySize.Fword10 ? 8 : 4);
        d.OperandSize = (byte)(i.Code is Code.Lgdt_m1632_16 or Code.Lidt_m1632_16 or Code.Sgdt_m1632_16 or Code.Sidt_m1632_16 ? 2 : 4);
        d.Condition = (byte)(i.Mnemonic is Mnemonic.Lidt or Mnemonic.Sidt ? 1 : 0);
        return i.Mnemonic is Mnemonic.Lgdt or Mnemonic.Lidt ? Ends(ref d, &LoadDescriptorTable) : Set(ref d, &StoreDescriptorTable);
    }
}
