using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;

namespace Vmm.Core.Machine;

/// <summary>Something a VM boots: it places itself in guest RAM and says where the boot vCPU starts.</summary>
public interface IBootImage
{
    /// <summary>For messages (<c>flat binary guest.bin at 0x7c00</c>).</summary>
    string Description { get; }

    /// <summary>Loads into <paramref name="memory"/>; a bad image throws a <see cref="VmmException"/> naming it.</summary>
    VcpuBootState Load(GuestMemory memory);
}
