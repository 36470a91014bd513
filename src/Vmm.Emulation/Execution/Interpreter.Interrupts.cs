namespace Vmm.Emulation.Execution;

/// <summary>
/// Exception and software-interrupt delivery (Intel SDM Vol. 3A 6.12 and 6.14), at the same privilege level:
/// through the IVT in real mode, through 32-bit (or 16-bit) interrupt and trap gates in protected mode, and
/// through 64-bit gates (with IST stacks) in long mode. An exception raised while delivering another follows
/// the double-fault rules (6.15, Table 6-5), and one raised while delivering #DF shuts the CPU down (a triple
/// fault), as KVM reports it.
/// </summary>
/// <remarks>
/// Not emulated (the run stops as fatal, naming it): task gates, gates to a less privileged or more privileged
/// code segment, and virtual-8086 mode. In real mode a vector whose IVT entry is 0000:0000 is taken to mean
/// "no handler": KVM would jump there and run whatever is at address 0; the emulator stops instead and names
/// the exception and the instruction.
/// </remarks>
internal sealed unsafe partial class Interpreter
{
    /// <summary>Vectors whose exceptions push an error code (Intel SDM Vol. 3A 6.13, Table 6-1).</summary>
    private static bool HasErrorCode(int vector) => vector is ExceptionVector.DoubleFault or ExceptionVector.InvalidTss
        or ExceptionVector.SegmentNotPresent or ExceptionVector.StackFault or ExceptionVector.GeneralProtection
        or ExceptionVector.PageFault or 17;

    /// <summary>
    /// Delivers <paramref name="fault"/> (raised by the instruction at RIP) to the guest's handler, escalating
    /// to #DF and to a triple fault as the processor does. Null when delivered; otherwise how the run ends.
    /// </summary>
    private Core.Hypervisor.VcpuRunResult? DeliverFault(GuestFault fault)
    {
        GuestFault current = fault;
        GuestFault? first = null;
        ulong faultRip = _rip;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                if (!ProtectedMode && RealModeVectorIsEmpty(current.Vector))
                {
                    return Fatal($"guest exception {current.Describe()} at {Where()} ({DisassembleAtRip()}), and the IVT has no handler "
                        + $"for vector {current.Vector} (its entry is 0000:0000)");
                }

                DeliverInterrupt(current.Vector, current.ErrorCode ?? 0, HasErrorCode(current.Vector) && current.ErrorCode is not null, faultRip, software: false);
                return null;
            }
            catch (GuestFault nested)
            {
                _rip = faultRip;
                if (current.Vector == ExceptionVector.DoubleFault)
                    return TripleFault(first ?? fault, $"{nested.Describe()} while delivering #DF");
                first ??= current;
                bool contributoryPair = ExceptionVector.IsContributory(current.Vector) && ExceptionVector.IsContributory(nested.Vector);
                bool pageFaultPair = current.Vector == ExceptionVector.PageFault
                    && (nested.Vector == ExceptionVector.PageFault || ExceptionVector.IsContributory(nested.Vector));
                current = contributoryPair || pageFaultPair
                    ? new GuestFault(ExceptionVector.DoubleFault, 0, $"{nested.Describe()} while delivering {current.Describe()}")
                    : nested;
            }
        }
    }

    private Core.Hypervisor.VcpuRunResult TripleFault(GuestFault original, string why)
    {
        var exit = new Sdk.ExitContext(Sdk.ExitKind.Shutdown, _id, 0, 0, 0, default) { InstructionPointer = _rip };
        _pipeline!(ref exit);
        return new Core.Hypervisor.VcpuRunResult(Core.Hypervisor.VcpuStopReason.Shutdown,
            $"vCPU {_id}: triple fault: {original.Describe()} at {Where()} ({DisassembleAtRip()}), then {why}");
    }

    private bool RealModeVectorIsEmpty(int vector) =>
        TryReadRam((_idtBase + (ulong)vector * 4) & 0xFFFF_FFFF, out ulong entry) ? (uint)entry == 0 : false;

    /// <summary>
    /// Pushes the interrupt frame and enters the handler for <paramref name="vector"/>; <paramref name="returnIp"/>
    /// is what the frame returns to (the faulting instruction, or the one after INT n).
    /// </summary>
    private void DeliverInterrupt(int vector, uint errorCode, bool pushErrorCode, ulong returnIp, bool software, bool external = false)
    {
        if (!ProtectedMode)
        {
            DeliverRealMode(vector, returnIp);
            return;
        }

        if ((_flags & Rflags.Vm) != 0)
            throw new EmulationLimit("interrupts in virtual-8086 mode are not emulated");
        bool longMode = (_efer & ControlBits.EferLma) != 0;
        int entrySize = longMode ? 16 : 8;
        uint idtError = (uint)(vector * 8 + 2) | (software ? 0u : 1u);
        if ((ulong)(vector * entrySize + entrySize - 1) > _idtLimit)
            throw new GuestFault(ExceptionVector.GeneralProtection, idtError, $"vector {vector} is past the IDT limit 0x{_idtLimit:x}");
        ulong gateAddress = (_idtBase + (ulong)(vector * entrySize)) & _linearMask;
        ulong gate = Read(gateAddress, 8);
        uint type = (uint)(gate >> 40) & 0xF;
        bool validType = longMode ? type is 0xE or 0xF : type is 0x5 or 0x6 or 0x7 or 0xE or 0xF;
        if (!validType || (gate & (1ul << 44)) != 0)
            throw new GuestFault(ExceptionVector.GeneralProtection, idtError, $"IDT entry {vector} is not an interrupt, trap or task gate");
        if (software && (int)((gate >> 45) & 3) < CurrentPrivilegeLevel)
            throw new GuestFault(ExceptionVector.GeneralProtection, idtError, $"INT {vector} through a gate of DPL {(gate >> 45) & 3}");
        if ((gate & (1ul << 47)) == 0)
            throw new GuestFault(ExceptionVector.SegmentNotPresent, idtError, $"IDT entry {vector} is not present");
        if (type == 0x5)
            throw new EmulationLimit($"vector {vector} goes through a task gate: task switches are not emulated");

        ushort selector = (ushort)(gate >> 16);
        ulong offset = (gate & 0xFFFF) | ((gate >> 32) & 0xFFFF_0000);
        int frameSize = type is 0x6 or 0x7 ? 2 : 4;
        ulong newSp = Reg(Gpr.Rsp);
        ushort oldSs = Segment(SegmentIndex.Ss).Selector;
        ulong oldSp = newSp;
        if (longMode)
        {
            ulong high = Read((gateAddress + 8) & _linearMask, 8);
            offset |= high << 32;
            frameSize = 8;
            int ist = (int)(gate >> 32) & 7;
            if (ist != 0)
            {
                if ((_tr.Attributes & SegmentRegister.Unusable) != 0 || _tr.Limit < 0x24 + 8 * (uint)ist - 1)
                    throw new EmulationLimit($"vector {vector} uses IST {ist}, and TR holds no 64-bit TSS with that stack");
                newSp = Read((_tr.Base + 0x24 + 8 * (ulong)(ist - 1)) & _linearMask, 8);
            }

            newSp &= ~0xFul;
        }

        ushort oldCs = Segment(SegmentIndex.Cs).Selector;
        ulong flags = Flags;
        LoadCodeSegment(selector, fromGate: true);
        if (longMode)
        {
            // The 64-bit frame always holds SS:RSP (Intel SDM Vol. 3A 6.14.2).
            Reg(Gpr.Rsp) = newSp;
            Push(oldSs, 8);
            Push(oldSp, 8);
        }

        // A fault's frame has RF set, so the IRET back does not re-trigger an instruction breakpoint (Intel SDM
        // Vol. 3A 18.3.1.1); traps, software and external interrupts (between instructions) push it clear.
        Push(software || external || vector == ExceptionVector.Debug ? flags & ~Rflags.Rf : flags | Rflags.Rf, frameSize);
        Push(oldCs, frameSize);
        Push(returnIp, frameSize);
        if (pushErrorCode)
            Push(errorCode, frameSize);

        ulong cleared = Rflags.Tf | Rflags.Nt | Rflags.Rf | Rflags.Vm | (type is 0x6 or 0xE ? Rflags.If : 0);
        SetFlags(flags & ~cleared);
        _rip = frameSize == 2 ? offset & 0xFFFF : longMode ? offset : offset & 0xFFFF_FFFF;
    }

    /// <summary>Real mode: FLAGS, CS and IP pushed, IF, TF and AC cleared, CS:IP from the 4-byte IVT entry.</summary>
    private void DeliverRealMode(int vector, ulong returnIp)
    {
        uint entry = (uint)Read((_idtBase + (ulong)vector * 4) & 0xFFFF_FFFF, 4);
        ulong flags = Flags;
        Push(flags, 2);
        Push(Segment(SegmentIndex.Cs).Selector, 2);
        Push(returnIp, 2);
        SetFlags(flags & ~(Rflags.If | Rflags.Tf | Rflags.Ac));
        LoadCodeSegment((ushort)(entry >> 16));
        _rip = entry & 0xFFFF;
    }

    /// <summary>The CPL: CS.RPL in protected mode (the emulator only runs at 0), 0 in real mode.</summary>
    private int CurrentPrivilegeLevel => ProtectedMode ? Segment(SegmentIndex.Cs).Selector & 3 : 0;

    /// <summary>INT n, INT3, INT1 (vector in Condition): delivered with the next instruction as the return address.</summary>
    private static ExecStatus SoftwareInterrupt(Interpreter c, ref DecodedInstruction d)
    {
        c.DeliverInterrupt(d.Condition, 0, pushErrorCode: false, d.NextIp, software: d.Condition is not ExceptionVector.Debug);
        c._epoch++;
        return ExecStatus.Branch;
    }

    private static ExecStatus Into(Interpreter c, ref DecodedInstruction d)
    {
        if ((c.Flags & Rflags.Of) != 0)
        {
            c.DeliverInterrupt(ExceptionVector.Overflow, 0, pushErrorCode: false, d.NextIp, software: true);
            return ExecStatus.Branch;
        }

        c._rip = d.NextIp;
        return ExecStatus.Branch;
    }

    /// <summary>SWAPGS (64-bit mode only): exchanges GS.base with IA32_KERNEL_GS_BASE.</summary>
    private static ExecStatus Swapgs(Interpreter c, ref DecodedInstruction d)
    {
        if (c._codeBitness != 64)
            throw new GuestFault(ExceptionVector.InvalidOpcode, null, "SWAPGS outside 64-bit mode");
        ref SegmentRegister gs = ref c.Segment(SegmentIndex.Gs);
        (gs.Base, c._storedMsrs[MsrKernelGsBase]) = (c._storedMsrs[MsrKernelGsBase], gs.Base);
        c.UpdateMode();
        return ExecStatus.Next;
    }
}
