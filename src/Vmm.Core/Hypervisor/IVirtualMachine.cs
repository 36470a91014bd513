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
    IInterruptLine GetInterruptLine(int gsi);
}
