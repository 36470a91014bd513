using Vmm.Core.Hypervisor;

namespace Vmm.Emulation;

/// <summary>
/// A hypervisor with no hardware behind it: guest code is interpreted from Iced-decoded instructions, and
/// port and MMIO accesses become the same exits KVM gives, through the same pipeline.
/// </summary>
public sealed class EmulatedHypervisor : IHypervisor
{
    /// <inheritdoc />
    public string Name => "emulator";

    /// <inheritdoc />
    public int RecommendedVcpus => Environment.ProcessorCount;

    /// <inheritdoc />
    public int MaxVcpus => 256;

    /// <inheritdoc />
    public IVirtualMachine CreateVirtualMachine() => throw new NotImplementedException("the emulator is being written");
}
