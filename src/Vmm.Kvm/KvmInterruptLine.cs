using Vmm.Sdk;

namespace Vmm.Kvm;

/// <summary>
/// An interrupt line of a KVM VM. It tracks its level, thread-safely; it does not deliver anything to
/// the guest yet, because this VM has no in-kernel interrupt controller: delivery (KVM_IRQ_LINE on the
/// VM descriptor) comes with KVM_CREATE_IRQCHIP, in <see cref="OnLevelChanged"/>.
/// </summary>
internal sealed class KvmInterruptLine(int gsi) : IInterruptLine
{
    private int _level;

    public int Gsi { get; } = gsi;

    public bool IsRaised => Volatile.Read(ref _level) != 0;

    public void Raise()
    {
        if (Interlocked.Exchange(ref _level, 1) == 0)
            OnLevelChanged(raised: true);
    }

    public void Lower()
    {
        if (Interlocked.Exchange(ref _level, 0) != 0)
            OnLevelChanged(raised: false);
    }

    public void Pulse()
    {
        Raise();
        Lower();
    }

    /// <summary>
    /// The delivery seam: called once per level change, after the level is recorded. Without an irqchip
    /// there is nothing to tell. When the irqchip arrives, this issues KVM_IRQ_LINE with the new level
    /// (and must keep racing Raise/Lower calls from reordering their ioctls).
    /// </summary>
    private void OnLevelChanged(bool raised)
    {
        // Nothing to deliver to until KVM_CREATE_IRQCHIP: the level is all there is.
    }
}
