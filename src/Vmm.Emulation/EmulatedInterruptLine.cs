using Vmm.Sdk;

namespace Vmm.Emulation;

/// <summary>
/// An interrupt line of an emulated VM. It tracks its level, thread-safely, exactly like the KVM backend's
/// line before it has an irqchip: delivery into the guest comes with an emulated interrupt controller,
/// which will hook in where the level changes.
/// </summary>
internal sealed class EmulatedInterruptLine(int gsi) : IInterruptLine
{
    private int _level;

    public int Gsi { get; } = gsi;

    public bool IsRaised => Volatile.Read(ref _level) != 0;

    public void Raise() => Interlocked.Exchange(ref _level, 1);

    public void Lower() => Interlocked.Exchange(ref _level, 0);

    public void Pulse()
    {
        Raise();
        Lower();
    }
}
