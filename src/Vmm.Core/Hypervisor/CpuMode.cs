namespace Vmm.Core.Hypervisor;

/// <summary>The mode a vCPU starts in.</summary>
public enum CpuMode
{
    /// <summary>16-bit real mode, as after reset (flat binaries, boot sectors).</summary>
    Real,
    /// <summary>32-bit protected mode with flat 4 GiB segments and paging off (multiboot).</summary>
    Protected32,
    /// <summary>64-bit long mode with identity page tables the loader built.</summary>
    Long64,
}
