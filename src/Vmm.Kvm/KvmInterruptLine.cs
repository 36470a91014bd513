using Vmm.Kvm.Native;
using Vmm.Sdk;

namespace Vmm.Kvm;

/// <summary>
/// An interrupt line of a KVM VM. With the in-kernel irqchip each level change is a KVM_IRQ_LINE on the VM
/// descriptor, which the GSI routing (<see cref="PcGsiRouting"/>) fans out to the PIC and IOAPIC pins; without
/// one the line only records its level. A lock per line keeps racing Raise and Lower calls from reaching KVM in
/// another order than they changed the level: device interrupts are not the exit hot path of other devices.
/// </summary>
internal sealed unsafe class KvmInterruptLine : IInterruptLine
{
    private readonly KvmFileDescriptor? _vm;
    private readonly object _gate = new();
    private volatile bool _raised;

    /// <param name="gsi">The GSI.</param>
    /// <param name="vm">The VM descriptor with an in-kernel irqchip, or null to record the level only.</param>
    public KvmInterruptLine(int gsi, KvmFileDescriptor? vm = null)
    {
        Gsi = gsi;
        _vm = vm;
    }

    public int Gsi { get; }

    public bool IsRaised => _raised;

    public void Raise()
    {
        lock (_gate)
        {
            if (_raised)
                return;
            _raised = true;
            Deliver(1);
        }
    }

    public void Lower()
    {
        lock (_gate)
        {
            if (!_raised)
                return;
            _raised = false;
            Deliver(0);
        }
    }

    /// <summary>1 then 0: an edge for an edge-triggered input (the PIC's default, an ISA IOAPIC pin's).</summary>
    public void Pulse()
    {
        lock (_gate)
        {
            _raised = false;
            Deliver(1);
            Deliver(0);
        }
    }

    /// <summary>Tells KVM the level again (after a machine reset restored the irqchip's power-on state).</summary>
    internal void Redeliver()
    {
        lock (_gate)
        {
            if (_raised)
                Deliver(1);
        }
    }

    private void Deliver(uint level)
    {
        if (_vm is null)
            return;
        var irq = new KvmIrqLevel { Irq = (uint)Gsi, Level = level };
        try
        {
            KvmIoctl.Call(_vm, KvmIoctl.IrqLine, &irq, "KVM_IRQ_LINE");
        }
        catch (ObjectDisposedException)
        {
            // The VM is gone: a device's late timer has no guest left to interrupt.
        }
    }
}
