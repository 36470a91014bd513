namespace Vmm.Emulation.Execution;

/// <summary>
/// RDMSR and WRMSR. Modelled: IA32_TIME_STAMP_COUNTER (the instruction-count clock), IA32_APIC_BASE,
/// IA32_SYSENTER_CS/ESP/EIP, IA32_PAT, EFER (LME only while paging is off; LMA follows CR0.PG), STAR,
/// LSTAR, CSTAR, SFMASK, FS.base, GS.base, KernelGSbase and TSC_AUX. Any other MSR follows
/// <see cref="UnknownMsrPolicy"/>: #GP (KVM's default), or read-as-zero and ignore writes.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    private const uint MsrTsc = 0x10;
    private const uint MsrApicBase = 0x1B;
    private const uint MsrSysenterCs = 0x174;
    private const uint MsrSysenterEsp = 0x175;
    private const uint MsrSysenterEip = 0x176;
    private const uint MsrPat = 0x277;
    private const uint MsrEfer = 0xC000_0080;
    private const uint MsrStar = 0xC000_0081;
    private const uint MsrLstar = 0xC000_0082;
    private const uint MsrCstar = 0xC000_0083;
    private const uint MsrSfmask = 0xC000_0084;
    private const uint MsrFsBase = 0xC000_0100;
    private const uint MsrGsBase = 0xC000_0101;
    private const uint MsrKernelGsBase = 0xC000_0102;
    private const uint MsrTscAux = 0xC000_0103;

    // IA32_APIC_BASE after reset: the xAPIC at 0xFEE00000, enabled, BSP flag on vCPU 0 (Intel SDM Vol. 3A 11.4.4).
    private const ulong ApicBaseDefault = 0xFEE0_0000 | (1ul << 11);
    private const ulong ApicBaseBsp = 1ul << 8;

    // IA32_PAT after reset (Intel SDM Vol. 3A 12.12.4).
    private const ulong PatDefault = 0x0007_0406_0007_0406;

    private readonly Dictionary<uint, ulong> _storedMsrs = [];
    private ulong _tscOffset;

    private static readonly uint[] s_storedMsrIndices =
        [MsrApicBase, MsrSysenterCs, MsrSysenterEsp, MsrSysenterEip, MsrPat, MsrStar, MsrLstar, MsrCstar, MsrSfmask, MsrKernelGsBase, MsrTscAux];

    private void ResetMsrs()
    {
        foreach (uint index in s_storedMsrIndices)
            _storedMsrs[index] = 0;
        _storedMsrs[MsrApicBase] = ApicBaseDefault | (_id == 0 ? ApicBaseBsp : 0);
        _storedMsrs[MsrPat] = PatDefault;
        _tscOffset = 0;
    }

    private static ExecStatus Rdmsr(Interpreter c, ref DecodedInstruction d)
    {
        uint index = (uint)c.Reg(Gpr.Rcx);
        ulong value = index switch
        {
            MsrTsc => c.TimeStampCounter(ref d),
            MsrEfer => c._efer,
            MsrFsBase => c.Segment(SegmentIndex.Fs).Base,
            MsrGsBase => c.Segment(SegmentIndex.Gs).Base,
            _ => c._storedMsrs.TryGetValue(index, out ulong stored) ? stored : c.UnknownMsr(index, write: false, 0),
        };
        c.Reg(Gpr.Rax) = (uint)value;
        c.Reg(Gpr.Rdx) = value >> 32;
        return ExecStatus.Next;
    }

    private static ExecStatus Wrmsr(Interpreter c, ref DecodedInstruction d)
    {
        uint index = (uint)c.Reg(Gpr.Rcx);
        ulong value = ((c.Reg(Gpr.Rdx) & 0xFFFF_FFFF) << 32) | (uint)c.Reg(Gpr.Rax);
        switch (index)
        {
            case MsrTsc:
                c._tscOffset = value - (ulong)(c._retired + d.IndexInBlock) * c._tscIncrement;
                break;
            case MsrEfer:
                c.WriteEfer(value);
                break;
            case MsrFsBase:
            case MsrGsBase:
            case MsrKernelGsBase:
            case MsrLstar:
            case MsrCstar:
                if (((long)value << 16 >> 16) != (long)value)
                    throw new GuestFault(ExceptionVector.GeneralProtection, 0, $"WRMSR 0x{index:x} with non-canonical address 0x{value:x}");
                if (index == MsrFsBase || index == MsrGsBase)
                {
                    c.Segment(index == MsrFsBase ? SegmentIndex.Fs : SegmentIndex.Gs).Base = value;
                    c.UpdateMode();
                }
                else
                {
                    c._storedMsrs[index] = value;
                }

                break;
            default:
                if (c._storedMsrs.ContainsKey(index))
                    c._storedMsrs[index] = value;
                else
                    c.UnknownMsr(index, write: true, value);
                break;
        }

        return c.Serialize(ref d);
    }

    /// <summary>EFER: reserved bits and changing LME with paging on are #GP; LMA is read-only here.</summary>
    private void WriteEfer(ulong value)
    {
        if ((value & ~(ControlBits.EferWritable | ControlBits.EferLma)) != 0)
            throw new GuestFault(ExceptionVector.GeneralProtection, 0, $"EFER value 0x{value:x} sets reserved bits");
        if ((_cr0 & ControlBits.Cr0Pg) != 0 && ((value ^ _efer) & ControlBits.EferLme) != 0)
            throw new GuestFault(ExceptionVector.GeneralProtection, 0, "EFER.LME changed while paging is on");
        _efer = (value & ControlBits.EferWritable) | (_efer & ControlBits.EferLma);
        UpdateMode();
        FlushTlb();
    }

    private ulong UnknownMsr(uint index, bool write, ulong value)
    {
        if (_unknownMsrs == UnknownMsrPolicy.ReadZeroIgnoreWrite)
            return 0;
        throw new GuestFault(ExceptionVector.GeneralProtection, 0,
            write ? $"WRMSR to MSR 0x{index:x} (value 0x{value:x}), which the emulator does not model" : $"RDMSR of MSR 0x{index:x}, which the emulator does not model");
    }
}
