using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Sdk;

namespace Vmm.Emulation.Execution;

/// <summary>
/// System instructions: HLT, CPUID, RDTSC, flag instructions, descriptor tables, LMSW/SMSW/CLTS, INVLPG,
/// software interrupts, and the instructions the emulator refuses (#UD, unsupported).
/// </summary>
internal sealed unsafe partial class Interpreter
{
    /// <summary>
    /// HLT: a Halt exit with RIP already past the HLT, as KVM leaves it without an in-kernel irqchip.
    /// Resume runs on; any other outcome returns <see cref="VcpuStopReason.Halted"/>. With the PC chipset and
    /// IF=1 the vCPU waits for an interrupt instead, with no exit, as KVM's in-kernel irqchip does; with IF=0
    /// nothing could wake it, and it exits as before.
    /// </summary>
    private static ExecStatus Hlt(Interpreter c, ref DecodedInstruction d)
    {
        c._rip = d.NextIp;
        if (c._chipset is not null && (c._flags & Rflags.If) != 0)
        {
            c.WaitInHalt();
            c._epoch++;
            return ExecStatus.Branch;
        }

        var exit = new ExitContext(ExitKind.Halt, c._id, 0, 0, 0, default) { InstructionPointer = d.Ip };
        c._pipeline!(ref exit);
        c._epoch++;
        if (exit.Outcome == ExitOutcome.Resume)
            return ExecStatus.Branch;
        c._stopResult = s_halted;
        return ExecStatus.Stop;
    }

    /// <summary>CPUID from the table; leaf 1 EBX[31:24] and leaves 0Bh/1Fh EDX carry this vCPU's id, as on KVM.</summary>
    private static ExecStatus Cpuid(Interpreter c, ref DecodedInstruction d)
    {
        uint leaf = (uint)c.Reg(Gpr.Rax);
        uint subleaf = (uint)c.Reg(Gpr.Rcx);
        CpuidResult result = c._cpuid.Lookup(leaf, subleaf);
        if (leaf == 1)
            result = result with { Ebx = (result.Ebx & 0x00FF_FFFF) | ((uint)c._id << 24) };
        else if (leaf is 0xB or 0x1F)
            result = result with { Edx = (uint)c._id };
        c.Reg(Gpr.Rax) = result.Eax;
        c.Reg(Gpr.Rbx) = result.Ebx;
        c.Reg(Gpr.Rcx) = result.Ecx;
        c.Reg(Gpr.Rdx) = result.Edx;
        return c.Serialize(ref d);
    }

    /// <summary>A serializing instruction: cached code is revalidated before it runs again (cross-modifying code).</summary>
    private ExecStatus Serialize(ref DecodedInstruction d)
    {
        _epoch++;
        _rip = d.NextIp;
        return ExecStatus.Branch;
    }

    private static ExecStatus Serialize(Interpreter c, ref DecodedInstruction d) => c.Serialize(ref d);

    private ulong TimeStampCounter(ref DecodedInstruction d) =>
        _tscOffset + (ulong)(_retired + d.IndexInBlock) * _tscIncrement;

    private static ExecStatus Rdtsc(Interpreter c, ref DecodedInstruction d)
    {
        ulong tsc = c.TimeStampCounter(ref d);
        c.Reg(Gpr.Rax) = (uint)tsc;
        c.Reg(Gpr.Rdx) = tsc >> 32;
        return ExecStatus.Next;
    }

    private static ExecStatus Clc(Interpreter c, ref DecodedInstruction d)
    {
        c.SetFlags(c.Flags & ~Rflags.Cf);
        return ExecStatus.Next;
    }

    private static ExecStatus Stc(Interpreter c, ref DecodedInstruction d)
    {
        c.SetFlags(c.Flags | Rflags.Cf);
        return ExecStatus.Next;
    }

    private static ExecStatus Cmc(Interpreter c, ref DecodedInstruction d)
    {
        c.SetFlags(c.Flags ^ Rflags.Cf);
        return ExecStatus.Next;
    }

    // DF and IF are never lazy: they live in _flags whatever the lazy state.
    private static ExecStatus Cld(Interpreter c, ref DecodedInstruction d)
    {
        c._flags &= ~Rflags.Df;
        return ExecStatus.Next;
    }

    private static ExecStatus Std(Interpreter c, ref DecodedInstruction d)
    {
        c._flags |= Rflags.Df;
        return ExecStatus.Next;
    }

    private static ExecStatus Cli(Interpreter c, ref DecodedInstruction d)
    {
        c._flags &= ~Rflags.If;
        return ExecStatus.Next;
    }

    /// <summary>STI: with IF clear before, the next instruction runs before any interrupt (the STI shadow).</summary>
    private static ExecStatus Sti(Interpreter c, ref DecodedInstruction d)
    {
        if ((c._flags & Rflags.If) == 0)
        {
            c._flags |= Rflags.If;
            c._interruptShadow = true;
            c._endBlock = true;
        }

        return ExecStatus.Next;
    }

    /// <summary>LGDT/LIDT (Condition 0/1): a 16-bit limit, then a 24-, 32- or 64-bit base.</summary>
    private static ExecStatus LoadDescriptorTable(Interpreter c, ref DecodedInstruction d)
    {
        ulong linear = c.LinearAddress(ref d);
        ushort limit = (ushort)c.Read(linear, 2);
        ulong tableBase = c.Read((linear + 2) & c._linearMask, d.OtherSize);
        if (d.OperandSize == 2)
            tableBase &= 0xFF_FFFF;
        if (d.Condition == 0)
            (c._gdtBase, c._gdtLimit) = (tableBase, limit);
        else
            (c._idtBase, c._idtLimit) = (tableBase, limit);
        return c.Serialize(ref d);
    }

    /// <summary>SGDT/SIDT (Condition 0/1): the limit, then a 32-bit base (64-bit in 64-bit mode).</summary>
    private static ExecStatus StoreDescriptorTable(Interpreter c, ref DecodedInstruction d)
    {
        ulong linear = c.LinearAddress(ref d);
        (ulong tableBase, ushort limit) = d.Condition == 0 ? (c._gdtBase, c._gdtLimit) : (c._idtBase, c._idtLimit);
        c.Write(linear, 2, limit);
        c.Write((linear + 2) & c._linearMask, d.OtherSize, tableBase);
        return ExecStatus.Next;
    }

    private static ExecStatus LldtReg(Interpreter c, ref DecodedInstruction d) => c.LoadLdt((ushort)c.ReadGpr(d.Reg0, 2), ref d);

    private static ExecStatus LldtMem(Interpreter c, ref DecodedInstruction d) => c.LoadLdt((ushort)c.Read(c.LinearAddress(ref d), 2), ref d);

    private ExecStatus LoadLdt(ushort selector, ref DecodedInstruction d)
    {
        RequireProtectedMode("LLDT");
        _ldtr = LoadSystemSegment(selector, 0x2, "LDT");
        return Serialize(ref d);
    }

    private static ExecStatus LtrReg(Interpreter c, ref DecodedInstruction d) => c.LoadTr((ushort)c.ReadGpr(d.Reg0, 2), ref d);

    private static ExecStatus LtrMem(Interpreter c, ref DecodedInstruction d) => c.LoadTr((ushort)c.Read(c.LinearAddress(ref d), 2), ref d);

    /// <summary>LTR: an available TSS descriptor, marked busy in the GDT as the processor does.</summary>
    private ExecStatus LoadTr(ushort selector, ref DecodedInstruction d)
    {
        RequireProtectedMode("LTR");
        if ((selector & 0xFFFC) == 0)
            throw new GuestFault(ExceptionVector.GeneralProtection, 0, "LTR with a null selector");
        SegmentRegister tss = LoadSystemSegment(selector, 0x9, "TSS");
        const uint busy = 0x2;
        ulong address = (_gdtBase + (ulong)(selector & 0xFFF8) + 5) & _linearMask;
        Write(address, 1, Read(address, 1) | busy);
        tss.Attributes |= busy;
        _tr = tss;
        return Serialize(ref d);
    }

    private void RequireProtectedMode(string instruction)
    {
        if (!ProtectedMode)
            throw new GuestFault(ExceptionVector.InvalidOpcode, null, $"{instruction} in real mode");
    }

    /// <summary>SLDT/STR (Condition 0/1): the selector, zero-extended into a register or 16 bits to memory.</summary>
    private static ExecStatus StoreSystemSelectorReg(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, d.Condition == 0 ? c._ldtr.Selector : c._tr.Selector);
        return ExecStatus.Next;
    }

    private static ExecStatus StoreSystemSelectorMem(Interpreter c, ref DecodedInstruction d)
    {
        c.Write(c.LinearAddress(ref d), 2, d.Condition == 0 ? c._ldtr.Selector : c._tr.Selector);
        return ExecStatus.Next;
    }

    private static ExecStatus LmswReg(Interpreter c, ref DecodedInstruction d) => c.LoadMachineStatusWord(c.ReadGpr(d.Reg0, 2), ref d);

    private static ExecStatus LmswMem(Interpreter c, ref DecodedInstruction d) => c.LoadMachineStatusWord(c.Read(c.LinearAddress(ref d), 2), ref d);

    /// <summary>LMSW: CR0 bits 0-3; PE can be set but not cleared (Intel SDM Vol. 2A, LMSW).</summary>
    private ExecStatus LoadMachineStatusWord(ulong value, ref DecodedInstruction d)
    {
        WriteCr0((_cr0 & ~0xFul) | (value & 0xF) | (_cr0 & ControlBits.Cr0Pe));
        return Serialize(ref d);
    }

    /// <summary>SMSW: CR0's low bits, zero-extended into a register (up to 32 bits of CR0), or 16 bits to memory.</summary>
    private static ExecStatus SmswReg(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, d.OperandSize == 8 ? c._cr0 : c._cr0 & 0xFFFF_FFFF);
        return ExecStatus.Next;
    }

    private static ExecStatus SmswMem(Interpreter c, ref DecodedInstruction d)
    {
        c.Write(c.LinearAddress(ref d), 2, c._cr0);
        return ExecStatus.Next;
    }

    private static ExecStatus Clts(Interpreter c, ref DecodedInstruction d)
    {
        c._cr0 &= ~ControlBits.Cr0Ts;
        return c.Serialize(ref d);
    }

    /// <summary>INVLPG flushes the whole TLB: simpler than one entry and always correct.</summary>
    private static ExecStatus Invlpg(Interpreter c, ref DecodedInstruction d)
    {
        c.FlushTlb();
        return c.Serialize(ref d);
    }

    /// <summary>
    /// SYSCALL/SYSRET with EFER.SCE clear, and SYSENTER/SYSEXIT with no IA32_SYSENTER_CS, raise #UD as on KVM;
    /// otherwise they are not emulated (CPUID does not report them) and stop the run naming them.
    /// </summary>
    private static ExecStatus FastSystemCall(Interpreter c, ref DecodedInstruction d)
    {
        bool enabled = d.Instruction.Mnemonic is Mnemonic.Syscall or Mnemonic.Sysret
            ? (c._efer & ControlBits.EferSce) != 0
            : c._storedMsrs[MsrSysenterCs] != 0;
        if (!enabled)
            throw new GuestFault(ExceptionVector.InvalidOpcode, null, $"{Format(in d.Instruction)} is not enabled");
        return UnsupportedInstruction(c, ref d);
    }

    /// <summary>UD2, UD0, UD1, MOV to CS, bytes that are no instruction: #UD.</summary>
    private static ExecStatus InvalidOpcode(Interpreter c, ref DecodedInstruction d) =>
        throw new GuestFault(ExceptionVector.InvalidOpcode, null, d.Instruction.IsInvalid ? "invalid opcode" : $"{Format(in d.Instruction)} raises #UD");

    /// <summary>A valid instruction the interpreter does not implement: a fatal stop naming it, never a wrong execution.</summary>
    private static ExecStatus UnsupportedInstruction(Interpreter c, ref DecodedInstruction d)
    {
        c._stopResult = c.Fatal($"unsupported instruction '{Format(in d.Instruction)}' ({d.Instruction.Code}) at {c.Where()}");
        return ExecStatus.Stop;
    }
}
