using Vmm.Emulation.Chipset;

namespace Vmm.Sdk.Testing.Backend;

/// <summary>
/// A line into the kit's own chipset, for a test VM without a guest hypervisor: a device's raise and lower reach
/// the PIC input as they would on the emulator, so scripted tests can read what a guest would be interrupted with.
/// </summary>
internal sealed class ChipsetInterruptLine(int gsi, PcChipset chipset) : IInterruptLine
{
    private int _level;

    public int Gsi => gsi;

    public bool IsRaised => Volatile.Read(ref _level) != 0;

    public void Raise()
    {
        Volatile.Write(ref _level, 1);
        chipset.SetIrq(gsi, true);
    }

    public void Lower()
    {
        Volatile.Write(ref _level, 0);
        chipset.SetIrq(gsi, false);
    }

    public void Pulse()
    {
        Raise();
        Lower();
    }
}
