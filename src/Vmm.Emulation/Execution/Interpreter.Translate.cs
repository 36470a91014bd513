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
            // F3 0F BC/BD are TZCNT/LZCNT only on a CPU with BMI1/ABM, which this one does not report: elsewhere
            // (and on the reference KVM) the F3 prefix is ignored and they are BSF/BSR.
            case Mnemonic.Tzcnt: return TranslateBitScan(in i, ref d, reverse: false);
            case Mnemonic.Lzcnt: return TranslateBitScan(in i, ref d, reverse: true);

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
            case Mnemonic.Syscall or Mnemonic.Sysret or Mnemonic.Sysenter or Mnemonic.Sysexit:
                return Ends(ref d, &FastSystemCall);
            case Mnemonic.Ud0 or Mnemonic.Ud1 or Mnemonic.Ud2:
                d.Handler = &InvalidOpcode;
                return true;
        }

        return Unsupported(ref d);
    }
}
