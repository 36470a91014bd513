using Vmm.Core.Hypervisor;

namespace Vmm.Emulation.Execution;

/// <summary>The reset state and <see cref="SetBootState"/>, which mirror what the KVM backend gives a vCPU.</summary>
internal sealed unsafe partial class Interpreter
{
    /// <summary>A machine reset: the power-on state again, and a stop requested meanwhile forgotten.</summary>
    public void PowerOn()
    {
        Reset();
        Interlocked.Exchange(ref _stopRequested, 0);
    }

    /// <summary>Puts the vCPU in the state KVM gives a new vCPU (Intel SDM Vol. 3A 10.1.1, Table 10-1).</summary>
    private void Reset()
    {
        _gpr = default;
        _rip = 0xFFF0;
        _flags = Rflags.Reserved1;
        _lazyOp = FlagOp.None;
        for (int s = 0; s < SegmentIndex.Count; s++)
            Segment(s) = SegmentRegister.RealMode(0, 0x3);
        Segment(SegmentIndex.Cs) = SegmentRegister.RealMode(0xF000, 0xB) with { Base = 0xFFFF_0000 };
        _ldtr = new SegmentRegister { Limit = 0xFFFF, Attributes = 0x2 | SegmentRegister.Present };
        _tr = new SegmentRegister { Limit = 0xFFFF, Attributes = 0xB | SegmentRegister.Present };
        _gdtBase = _idtBase = 0;
        _gdtLimit = _idtLimit = 0xFFFF;
        _cr0 = ControlBits.Cr0Reset;
        _cr2 = _cr3 = _cr4 = _cr8 = _efer = 0;
        ResetMsrs();
        ResetDebugRegisters();
        UpdateMode();
    }

    /// <summary>
    /// Sets the mode and registers for <paramref name="state"/> exactly as the KVM backend's VcpuBootSetup
    /// does, so a guest starts the same on both: flat 4 GiB segments with selectors 0x08/0x10 in protected
    /// and long mode, CS:IP split from the entry point in real mode, all other general registers zero.
    /// </summary>
    public void SetBootState(VcpuBootState state)
    {
        const ulong oneMiB = 0x10_0000;
        const ulong fourGiB = 0x1_0000_0000;
        ulong rip;
        switch (state.Mode)
        {
            case CpuMode.Real:
            {
                if (state.EntryPoint >= oneMiB)
                    throw new ArgumentOutOfRangeException(nameof(state), $"real-mode entry point 0x{state.EntryPoint:x} is not below 1 MiB.");
                ushort selector = (ushort)((state.EntryPoint >> 4) & 0xF000);
                Segment(SegmentIndex.Cs) = SegmentRegister.RealMode(selector, 0xB);
                foreach (int s in (ReadOnlySpan<int>)[SegmentIndex.Ds, SegmentIndex.Es, SegmentIndex.Fs, SegmentIndex.Gs, SegmentIndex.Ss])
                    Segment(s) = SegmentRegister.RealMode(0, 0x3);
                _cr0 &= ~(ControlBits.Cr0Pe | ControlBits.Cr0Pg);
                _cr3 = _cr4 = _efer = 0;
                rip = state.EntryPoint - ((ulong)selector << 4);
                break;
            }

            case CpuMode.Protected32:
                if (state.EntryPoint >= fourGiB)
                    throw new ArgumentOutOfRangeException(nameof(state), $"32-bit entry point 0x{state.EntryPoint:x} is above 4 GiB.");
                SetFlatSegments(longMode: false);
                _cr0 = (_cr0 | ControlBits.Cr0Pe) & ~ControlBits.Cr0Pg;
                _cr3 = _cr4 = _efer = 0;
                rip = state.EntryPoint;
                break;

            case CpuMode.Long64:
                if ((state.PageTableRoot & 0xFFF) != 0)
                    throw new ArgumentOutOfRangeException(nameof(state), $"page table root 0x{state.PageTableRoot:x} is not 4 KiB aligned.");
                SetFlatSegments(longMode: true);
                _cr3 = state.PageTableRoot;
                _cr4 = ControlBits.Cr4Pae;
                _efer = ControlBits.EferLme | ControlBits.EferLma;
                _cr0 |= ControlBits.Cr0Pe | ControlBits.Cr0Pg;
                rip = state.EntryPoint;
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(state), state.Mode, "unknown CPU mode");
        }

        _gpr = default;
        Reg(Gpr.Rsp) = state.StackPointer;
        Reg(Gpr.Rax) = state.Rax;
        Reg(Gpr.Rbx) = state.Rbx;
        Reg(Gpr.Rsi) = state.Rsi;
        _rip = rip;
        SetFlags(Rflags.Reserved1);
        UpdateMode();
        FlushTlb();
    }

    private void SetFlatSegments(bool longMode)
    {
        const uint codeType = 0xB, dataType = 0x3;
        uint common = SegmentRegister.System | SegmentRegister.Present | SegmentRegister.Granularity;
        Segment(SegmentIndex.Cs) = new SegmentRegister
        {
            Limit = 0xFFFF_FFFF,
            Selector = 0x08,
            Attributes = codeType | common | (longMode ? SegmentRegister.Long : SegmentRegister.DefaultBig),
        };
        var data = new SegmentRegister { Limit = 0xFFFF_FFFF, Selector = 0x10, Attributes = dataType | common | SegmentRegister.DefaultBig };
        foreach (int s in (ReadOnlySpan<int>)[SegmentIndex.Ds, SegmentIndex.Es, SegmentIndex.Fs, SegmentIndex.Gs, SegmentIndex.Ss])
            Segment(s) = data;
    }
}
