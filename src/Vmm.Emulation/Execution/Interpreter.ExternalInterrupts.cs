using Vmm.Emulation.Chipset;

namespace Vmm.Emulation.Execution;

/// <summary>
/// External interrupts from the VM's <see cref="PcChipset"/>: the PIC's INT output is looked at before each block
/// of guest code when IF=1 and no STI/MOV SS shadow is in force (Intel SDM Vol. 3A 6.8.3: the instruction after
/// STI or MOV SS runs before any interrupt, so the next block runs that one instruction alone), acknowledged (the
/// INTA cycle gives the vector) and delivered through the IVT or IDT exactly as INT n would be, but with the
/// frame's return address the interrupted instruction. HLT with IF=1 waits for an interrupt without spinning;
/// the chipset's ports are answered here and never reach the pipeline, as with KVM's in-kernel irqchip.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    private readonly PcChipset? _chipset;

    // The chipset when this vCPU takes the PIC's interrupts (vCPU 0), else null: one check per block.
    private readonly PcChipset? _interruptSource;

    // Set by STI (with IF clear before), MOV SS and POP SS: the next instruction runs before any interrupt.
    private bool _interruptShadow;

    private readonly object _stopGate = new();

    /// <summary>Interrupts taken from the PIC so far.</summary>
    internal long ExternalInterrupts { get; private set; }

    /// <summary>True if the PIC has an interrupt this vCPU should take before its next instruction.</summary>
    private bool ExternalInterruptReady =>
        _interruptSource is { } source && (_flags & Rflags.If) != 0 && source.InterruptPending;

    /// <summary>The INTA cycle and the delivery: the handler's first instruction is next.</summary>
    private Core.Hypervisor.VcpuRunResult? TakeExternalInterrupt()
    {
        if (!_interruptSource!.TryAcknowledge(out byte vector))
            return null;
        ExternalInterrupts++;
        if (!ProtectedMode && RealModeVectorIsEmpty(vector))
        {
            return Fatal($"interrupt vector 0x{vector:x2} from the PIC at {Where()}, and the IVT has no handler for it "
                + "(its entry is 0000:0000); install one before enabling the interrupt");
        }

        DeliverInterrupt(vector, 0, pushErrorCode: false, _rip, software: false, external: true);
        _epoch++;
        return null;
    }

    /// <summary>An IN from a chipset port: bytes of a wider access come from consecutive ports, as ISA splits them.</summary>
    private ulong ChipsetIn(ushort port, int size)
    {
        ulong value = 0;
        for (int i = 0; i < size; i++)
        {
            ushort p = (ushort)(port + i);
            ulong b = PcChipset.ClaimsPort(p) ? _chipset!.ReadPort(p) : 0xFFu;
            value |= b << (i << 3);
        }

        _endBlock = true;
        return value;
    }

    private void ChipsetOut(ushort port, int size, ulong value)
    {
        for (int i = 0; i < size; i++)
        {
            ushort p = (ushort)(port + i);
            if (PcChipset.ClaimsPort(p))
                _chipset!.WritePort(p, (byte)(value >> (i << 3)));
        }

        // An EOI or an unmask may have made an interrupt deliverable: look before the next instruction.
        _endBlock = true;
    }

    /// <summary>
    /// HLT with IF=1 on a VM with a chipset: no exit (KVM's in-kernel irqchip halts in the kernel too); wait until
    /// the PIC has an interrupt for this vCPU or a stop is requested.
    /// </summary>
    private void WaitInHalt() => _chipset!.WaitForInterrupt(_id, ref _stopRequested);

    /// <summary>
    /// An application processor with no boot state: it waits, as one waiting for a startup IPI does, until a stop
    /// is requested; then the run ends as any stopped run does.
    /// </summary>
    public Core.Hypervisor.VcpuRunResult RunParked(Sdk.ExitHandler pipeline)
    {
        lock (_stopGate)
        {
            while (Volatile.Read(ref _stopRequested) == 0)
                Monitor.Wait(_stopGate);
        }

        _pipeline = pipeline;
        try
        {
            return Cancel();
        }
        finally
        {
            _pipeline = null;
        }
    }

    private void WakeForStop()
    {
        lock (_stopGate)
            Monitor.PulseAll(_stopGate);
        _chipset?.WakeAll();
    }

    /// <summary>After a load of SS: the next instruction (the stack pointer's load, usually) runs before any interrupt.</summary>
    private void ShadowIfStackSegment(int segment)
    {
        if (segment == SegmentIndex.Ss)
        {
            _interruptShadow = true;
            _endBlock = true;
        }
    }
}
