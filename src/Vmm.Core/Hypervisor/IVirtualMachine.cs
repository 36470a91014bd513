using Vmm.Core.Memory;
using Vmm.Sdk;

namespace Vmm.Core.Hypervisor;

/// <summary>One VM on a hypervisor: its RAM, its vCPUs and its interrupt lines.</summary>
public interface IVirtualMachine : IDisposable
{
    /// <summary>Allocates <paramref name="size"/> bytes of zeroed host memory and maps it at <paramref name="guestAddress"/> (both page-aligned).</summary>
    GuestMemoryRegion AddRam(ulong guestAddress, ulong size);

    /// <summary>Creates vCPU <paramref name="id"/> (0 is the boot CPU).</summary>
    IVcpu CreateVcpu(int id);

    /// <summary>The interrupt line for <paramref name="gsi"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The machine has no such line.</exception>
    IInterruptLine GetInterruptLine(int gsi);

    /// <summary>
    /// Puts the machine in its power-on state, as a PC's reset line does, while no vCPU runs: vCPU 0 at the reset
    /// vector (give it a boot state before running it again), every other vCPU waiting for INIT/SIPI (or, where
    /// nothing can send one, for <see cref="IVcpu.RequestStop"/>), stop requests forgotten, and the machine's own
    /// interrupt controllers and timers reset. RAM is kept.
    /// </summary>
    void Reset();
}
