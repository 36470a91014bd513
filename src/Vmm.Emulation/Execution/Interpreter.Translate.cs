using Iced.Intel;

namespace Vmm.Emulation.Execution;

/// <summary>
/// Turns an Iced <see cref="Instruction"/> into a <see cref="DecodedInstruction"/>: picks the handler for its
/// form (register, memory, immediate operands) and pre-digests the operands. Anything not listed here is
/// decoded as <see cref="Unsupported"/>, which stops the run naming it when (and only if) it is reached.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    private enum Form : byte
    {
        None,
        RegReg,
        RegMem,
        MemReg,
        RegImm,
        MemImm,
    }

    /// <summary>
    /// Fills <paramref name="d"/> for <paramref name="i"/>; true if the instruction ends its block.
    /// <paramref name="operandSizePrefix"/> says whether a 66h prefix was present (Iced does not keep it).
    /// </summary>
    private static bool TranslateInstruction(in Instruction i, ref DecodedInstruction d, bool operandSizePrefix)
    {
        d = default;
        d.Instruction = i;
        d.Ip = i.IP;
        d.Base = Gpr.Zero;
        d.Index = Gpr.Zero;
        d.AddressMask = ulong.MaxValue;
        if (i.IsInvalid)
        {
            d.Handler = &InvalidOpcode;
            return true;
        }

        for (int op = 0; op < i.OpCount; op++)
        {
            if (i.GetOpKind(op) == OpKind.Memory)
            {
                DecodeMemoryOperand(in i, ref d);
                break;
            }
        }

        switch (i.Mnemonic)
        {
            // Data movement.
            case Mnemonic.Mov: return TranslateMov(in i, ref d);
            case Mnemonic.Movzx: return TranslateExtend(in i, ref d, &MovzxRegReg, &MovzxRegMem);
            case Mnemonic.Movsx:
            case Mnemonic.Movsxd: return TranslateExtend(in i, ref d, &MovsxRegReg, &MovsxRegMem);
            case Mnemonic.Lea:
                d.Reg0 = GprNumber(i.Op0Register);
                d.OperandSize = (byte)i.Op0Register.GetSize();
                return Set(ref d, &Lea);
            case Mnemonic.Xchg: return TranslateBinary(in i, ref d, &XchgRegReg, &XchgRegMem, &XchgMemReg, null, null);
            case Mnemonic.Cmpxchg: return TranslateBinary(in i, ref d, &CmpxchgRegReg, null, &CmpxchgMemReg, null, null);
            case Mnemonic.Xadd: return TranslateBinary(in i, ref d, &XaddRegReg, null, &XaddMemReg, null, null);
            case Mnemonic.Cmpxchg8b:
                return i.MemorySize == MemorySize.UInt64 ? Set(ref d, &Cmpxchg8b) : Unsupported(ref d);
            case Mnemonic.Bswap:
                d.Reg0 = GprNumber(i.Op0Register);
                d.OperandSize = (byte)i.Op0Register.GetSize();
                return Set(ref d, &Bswap);
            case Mnemonic.Cbw: return SizedSet(ref d, 2, &SignExtendAccumulator);
            case Mnemonic.Cwde: return SizedSet(ref d, 4, &SignExtendAccumulator);
            case Mnemonic.Cdqe: return SizedSet(ref d, 8, &SignExtendAccumulator);
            case Mnemonic.Cwd: return SizedSet(ref d, 2, &SignExtendIntoDx);
            case Mnemonic.Cdq: return SizedSet(ref d, 4, &SignExtendIntoDx);
            case Mnemonic.Cqo: return SizedSet(ref d, 8, &SignExtendIntoDx);
            case Mnemonic.Lahf: return Set(ref d, &Lahf);
            case Mnemonic.Sahf: return Set(ref d, &Sahf);
            case Mnemonic.Xlatb:
                d.Index = Gpr.Zero;
                return Set(ref d, &Xlat);
            case Mnemonic.Lds: return TranslateFarPointer(in i, ref d, SegmentIndex.Ds);
            case Mnemonic.Les: return TranslateFarPointer(in i, ref d, SegmentIndex.Es);
            case Mnemonic.Lfs: return TranslateFarPointer(in i, ref d, SegmentIndex.Fs);
            case Mnemonic.Lgs: return TranslateFarPointer(in i, ref d, SegmentIndex.Gs);
            case Mnemonic.Lss: return TranslateFarPointer(in i, ref d, SegmentIndex.Ss);

            // Decimal adjustments (legacy modes).
            case Mnemonic.Daa: return Set(ref d, &Daa);
            case Mnemonic.Das: return Set(ref d, &Das);
            case Mnemonic.Aaa:
                d.Condition = 0;
                return Set(ref d, &AsciiAdjust);
            case Mnemonic.Aas:
                d.Condition = 1;
                return Set(ref d, &AsciiAdjust);
            case Mnemonic.Aam or Mnemonic.Aad:
                d.Immediate = i.Immediate8;
                d.OperandSize = (byte)((i.CodeSize == CodeSize.Code16) != operandSizePrefix ? 2 : 4);
                return Set(ref d, i.Mnemonic == Mnemonic.Aam ? &Aam : &Aad);

            // Arithmetic and logic.
            case Mnemonic.Add: return TranslateAlu<AddOperation>(in i, ref d);
            case Mnemonic.Or: return TranslateAlu<OrOperation>(in i, ref d);
            case Mnemonic.Adc: return TranslateAlu<AdcOperation>(in i, ref d);
            case Mnemonic.Sbb: return TranslateAlu<SbbOperation>(in i, ref d);
            case Mnemonic.And: return TranslateAlu<AndOperation>(in i, ref d);
            case Mnemonic.Sub: return TranslateAlu<SubOperation>(in i, ref d);
            case Mnemonic.Xor: return TranslateAlu<XorOperation>(in i, ref d);
            case Mnemonic.Cmp: return TranslateAlu<CmpOperation>(in i, ref d);
            case Mnemonic.Test: return TranslateAlu<TestOperation>(in i, ref d);
            case Mnemonic.Inc: return TranslateUnary(in i, ref d, &IncReg, &IncMem);
            case Mnemonic.Dec: return TranslateUnary(in i, ref d, &DecReg, &DecMem);
            case Mnemonic.Not: return TranslateUnary(in i, ref d, &NotReg, &NotMem);
            case Mnemonic.Neg: return TranslateUnary(in i, ref d, &NegReg, &NegMem);
            case Mnemonic.Mul: return TranslateUnary(in i, ref d, &MulReg, &MulMem);
            case Mnemonic.Div: return TranslateUnary(in i, ref d, &DivReg, &DivMem);
            case Mnemonic.Idiv: return TranslateUnary(in i, ref d, &IdivReg, &IdivMem);
            case Mnemonic.Imul: return TranslateImul(in i, ref d);

            // Shifts and rotates: Condition holds the operation (the /r field of the D0-D3 group).
            case Mnemonic.Rol: return TranslateShift(in i, ref d, ShiftOperation.Rol);
            case Mnemonic.Ror: return TranslateShift(in i, ref d, ShiftOperation.Ror);
            case Mnemonic.Rcl: return TranslateShift(in i, ref d, ShiftOperation.Rcl);
            case Mnemonic.Rcr: return TranslateShift(in i, ref d, ShiftOperation.Rcr);
            case Mnemonic.Shl:
            case Mnemonic.Sal: return TranslateShift(in i, ref d, ShiftOperation.Shl);
            case Mnemonic.Shr: return TranslateShift(in i, ref d, ShiftOperation.Shr);
            case Mnemonic.Sar: return TranslateShift(in i, ref d, ShiftOperation.Sar);
            case Mnemonic.Shld: return TranslateDoubleShift(in i, ref d, left: true);
            case Mnemonic.Shrd: return TranslateDoubleShift(in i, ref d, left: false);

            // Bit operations: Condition is 0 BT, 1 BTS, 2 BTR, 3 BTC.
            case Mnemonic.Bt: return TranslateBitTest(in i, ref d, 0);
            case Mnemonic.Bts: return TranslateBitTest(in i, ref d, 1);
            case Mnemonic.Btr: return TranslateBitTest(in i, ref d, 2);
            case Mnemonic.Btc: return TranslateBitTest(in i, ref d, 3);
            case Mnemonic.Bsf: return TranslateBitScan(in i, ref d, reverse: false);
            case Mnemonic.Bsr: return TranslateBitScan(in i, ref d, reverse: true);

            // Conditional moves and sets.
            case Mnemonic.Seto or Mnemonic.Setno or Mnemonic.Setb or Mnemonic.Setae or Mnemonic.Sete or Mnemonic.Setne
                or Mnemonic.Setbe or Mnemonic.Seta or Mnemonic.Sets or Mnemonic.Setns or Mnemonic.Setp or Mnemonic.Setnp
                or Mnemonic.Setl or Mnemonic.Setge or Mnemonic.Setle or Mnemonic.Setg:
                d.Condition = ConditionNumber(i.ConditionCode);
                return TranslateUnary(in i, ref d, &SetccReg, &SetccMem);
            case Mnemonic.Cmovo or Mnemonic.Cmovno or Mnemonic.Cmovb or Mnemonic.Cmovae or Mnemonic.Cmove or Mnemonic.Cmovne
                or Mnemonic.Cmovbe or Mnemonic.Cmova or Mnemonic.Cmovs or Mnemonic.Cmovns or Mnemonic.Cmovp or Mnemonic.Cmovnp
                or Mnemonic.Cmovl or Mnemonic.Cmovge or Mnemonic.Cmovle or Mnemonic.Cmovg:
                d.Condition = ConditionNumber(i.ConditionCode);
                return TranslateBinary(in i, ref d, &CmovRegReg, &CmovRegMem, null, null, null);

            // Stack.
            case Mnemonic.Push: return TranslatePush(in i, ref d);
            case Mnemonic.Pop: return TranslatePop(in i, ref d);
            case Mnemonic.Pushf: return SizedSet(ref d, 2, &Pushf);
            case Mnemonic.Pushfd: return SizedSet(ref d, 4, &Pushf);
            case Mnemonic.Pushfq: return SizedSet(ref d, 8, &Pushf);
            case Mnemonic.Popf: return SizedSet(ref d, 2, &Popf);
            case Mnemonic.Popfd: return SizedSet(ref d, 4, &Popf);
            case Mnemonic.Popfq: return SizedSet(ref d, 8, &Popf);
            case Mnemonic.Pusha: return SizedSet(ref d, 2, &Pusha);
            case Mnemonic.Pushad: return SizedSet(ref d, 4, &Pusha);
            case Mnemonic.Popa: return SizedSet(ref d, 2, &Popa);
            case Mnemonic.Popad: return SizedSet(ref d, 4, &Popa);
            case Mnemonic.Enter:
                d.OperandSize = (byte)(i.Code switch { Code.Enterw_imm16_imm8 => 2, Code.Enterd_imm16_imm8 => 4, _ => 8 });
                d.Immediate = i.Immediate16;
                d.Condition = (byte)(i.Immediate8_2nd & 31);
                return Set(ref d, &Enter);
            case Mnemonic.Leave:
                d.OperandSize = (byte)(i.Code switch { Code.Leavew => 2, Code.Leaved => 4, _ => 8 });
                return Set(ref d, &Leave);

            // Control transfer.
            case Mnemonic.Jmp: return TranslateJmpOrCall(in i, ref d, call: false);
            case Mnemonic.Call: return TranslateJmpOrCall(in i, ref d, call: true);
            case Mnemonic.Jo or Mnemonic.Jno or Mnemonic.Jb or Mnemonic.Jae or Mnemonic.Je or Mnemonic.Jne or Mnemonic.Jbe
                or Mnemonic.Ja or Mnemonic.Js or Mnemonic.Jns or Mnemonic.Jp or Mnemonic.Jnp or Mnemonic.Jl or Mnemonic.Jge
                or Mnemonic.Jle or Mnemonic.Jg:
                d.Condition = ConditionNumber(i.ConditionCode);
                d.Immediate = i.NearBranchTarget;
                return Ends(ref d, &Jcc);
            case Mnemonic.Loop: return TranslateLoop(in i, ref d, 0);
            case Mnemonic.Loope: return TranslateLoop(in i, ref d, 1);
            case Mnemonic.Loopne: return TranslateLoop(in i, ref d, 2);
            case Mnemonic.Jcxz: return TranslateJcxz(in i, ref d, 2);
            case Mnemonic.Jecxz: return TranslateJcxz(in i, ref d, 4);
            case Mnemonic.Jrcxz: return TranslateJcxz(in i, ref d, 8);
            case Mnemonic.Ret:
                d.OperandSize = (byte)(i.Code switch { Code.Retnw or Code.Retnw_imm16 => 2, Code.Retnd or Code.Retnd_imm16 => 4, _ => 8 });
                d.Immediate = i.OpCount > 0 ? i.Immediate16 : 0u;
                return Ends(ref d, &Ret);
            case Mnemonic.Retf:
                d.OperandSize = (byte)(i.Code switch { Code.Retfw or Code.Retfw_imm16 => 2, Code.Retfd or Code.Retfd_imm16 => 4, _ => 8 });
                d.Immediate = i.OpCount > 0 ? i.Immediate16 : 0u;
                return Ends(ref d, &Retf);
            case Mnemonic.Iret: return SizedEnds(ref d, 2, &Iret);
            case Mnemonic.Iretd: return SizedEnds(ref d, 4, &Iret);
            case Mnemonic.Iretq: return SizedEnds(ref d, 8, &Iret);
            case Mnemonic.Int:
                d.Condition = i.Immediate8;
                return Ends(ref d, &SoftwareInterrupt);
            case Mnemonic.Int3:
                d.Condition = ExceptionVector.Breakpoint;
                return Ends(ref d, &SoftwareInterrupt);
            case Mnemonic.Int1:
                d.Condition = ExceptionVector.Debug;
                return Ends(ref d, &SoftwareInterrupt);
            case Mnemonic.Into: return Ends(ref d, &Into);
            case Mnemonic.Swapgs: return Set(ref d, &Swapgs);

            // String instructions (Movsd and Cmpsd are also SSE2 mnemonics: only the string forms are taken).
            case Mnemonic.Movsb or Mnemonic.Movsw or Mnemonic.Movsd or Mnemonic.Movsq when i.IsStringInstruction:
                return TranslateString(in i, ref d, &Movs);
            case Mnemonic.Cmpsb or Mnemonic.Cmpsw or Mnemonic.Cmpsd or Mnemonic.Cmpsq when i.IsStringInstruction:
                return TranslateString(in i, ref d, &Cmps, compares: true);
            case Mnemonic.Stosb or Mnemonic.Stosw or Mnemonic.Stosd or Mnemonic.Stosq:
                return TranslateString(in i, ref d, &Stos);
            case Mnemonic.Lodsb or Mnemonic.Lodsw or Mnemonic.Lodsd or Mnemonic.Lodsq:
                return TranslateString(in i, ref d, &Lods);
            case Mnemonic.Scasb or Mnemonic.Scasw or Mnemonic.Scasd or Mnemonic.Scasq:
                return TranslateString(in i, ref d, &Scas, compares: true);
            case Mnemonic.Insb or Mnemonic.Insw or Mnemonic.Insd:
                TranslateString(in i, ref d, &Ins);
                return true;
            case Mnemonic.Outsb or Mnemonic.Outsw or Mnemonic.Outsd:
                TranslateString(in i, ref d, &Outs);
                return true;

            // Port I/O.
            case Mnemonic.In: return TranslatePortIo(in i, ref d, portOperand: 1, dataOperand: 0, &In);
            case Mnemonic.Out: return TranslatePortIo(in i, ref d, portOperand: 0, dataOperand: 1, &Out);

            // Flags.
            case Mnemonic.Clc: return Set(ref d, &Clc);
            case Mnemonic.Stc: return Set(ref d, &Stc);
            case Mnemonic.Cmc: return Set(ref d, &Cmc);
            case Mnemonic.Cld: return Set(ref d, &Cld);
            case Mnemonic.Std: return Set(ref d, &Std);
            case Mnemonic.Cli: return Set(ref d, &Cli);
            case Mnemonic.Sti: return Set(ref d, &Sti);

            // No architectural effect here: hints, fences, cache control.
            case Mnemonic.Nop or Mnemonic.Pause or Mnemonic.Lfence or Mnemonic.Mfence or Mnemonic.Sfence
                or Mnemonic.Clflush or Mnemonic.Prefetchnta or Mnemonic.Prefetcht0 or Mnemonic.Prefetcht1
                or Mnemonic.Prefetcht2 or Mnemonic.Prefetchw:
                return Set(ref d, &Nop);
            case Mnemonic.Wbinvd or Mnemonic.Invd: return Ends(ref d, &Serialize);

            // System.
            case Mnemonic.Hlt: return Ends(ref d, &Hlt);
            case Mnemonic.Cpuid: return Ends(ref d, &Cpuid);
            case Mnemonic.Rdtsc: return Set(ref d, &Rdtsc);
            case Mnemonic.Rdmsr: return Set(ref d, &Rdmsr);
            case Mnemonic.Wrmsr: return Ends(ref d, &Wrmsr);
            case Mnemonic.Lgdt or Mnemonic.Lidt or Mnemonic.Sgdt or Mnemonic.Sidt: return TranslateDescriptorTable(in i, ref d);
            case Mnemonic.Lldt: return TranslateUnary(in i, ref d, &LldtReg, &LldtMem, ends: true);
            case Mnemonic.Ltr: return TranslateUnary(in i, ref d, &LtrReg, &LtrMem, ends: true);
            case Mnemonic.Sldt:
                d.Condition = 0;
                return TranslateUnary(in i, ref d, &StoreSystemSelectorReg, &StoreSystemSelectorMem);
            case Mnemonic.Str:
                d.Condition = 1;
                return TranslateUnary(in i, ref d, &StoreSystemSelectorReg, &StoreSystemSelectorMem);
            case Mnemonic.Lmsw: return TranslateUnary(in i, ref d, &LmswReg, &LmswMem, ends: true);
            case Mnemonic.Smsw: return TranslateUnary(in i, ref d, &SmswReg, &SmswMem);
            case Mnemonic.Clts: return Ends(ref d, &Clts);
            case Mnemonic.Invlpg: return Ends(ref d, &Invlpg);
            case Mnemonic.Ud0 or Mnemonic.Ud1 or Mnemonic.Ud2:
                d.Handler = &InvalidOpcode;
                return true;
        }

        return Unsupported(ref d);
    }

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
        // The counter is named at the end of the code: Loop_rel8_32_CX counts CX (a 67h prefix in 32-bit code).
        string code = i.Code.ToString();
        d.AddressSize = (byte)(code.EndsWith("_RCX", StringComparison.Ordinal) ? 8 : code.EndsWith("_ECX", StringComparison.Ordinal) ? 4 : 2);
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
