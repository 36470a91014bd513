using Vmm.Emulation.Chipset;
using Vmm.Sdk;

namespace Vmm.Emulation;

/// <summary>
/// An interrupt line of an emulated VM. It tracks its level, thread-safely, and drives PIC input
/// <see cref="Gsi"/> of the VM's chipset when it has one (GSI 0-15): a raise is a rising edge for an
/// edge-triggered input, a pulse latches a request, and a level-triggered input requests while raised.
/// </summary>
internal sealed class EmulatedInterruptLine(int gsi, PcChipset? chipset) : IInterruptLine
{
    private int _level;

    public int Gsi { get; } = gsi;

    public bool IsRaised => Volatile.Read(ref _level) != 0;

    public void Raise()
    {
        Interlocked.Exchange(ref _level, 1);
        chipset?.SetIrq(Gsi, true);
    }

    public void Lower()
    {
        Interlocked.Exchange(ref _level, 0);
        chipset?.SetIrq(Gsi, false);
    }

    public void Pulse()
    {
        Raise();
        Lower();
    }
}
