using Vmm.Core.Hypervisor;

namespace Vmm.Host.Configuration;

/// <summary>A flat binary image in <c>vm.json</c>.</summary>
public sealed class ImageConfig
{
    /// <summary>The file, relative to the config file.</summary>
    public string Path { get; set; } = "";

    /// <summary>Guest-physical load address (<c>"0x7c00"</c>).</summary>
    public ulong Address { get; set; } = 0x7c00;

    /// <summary>Entry point; defaults to <see cref="Address"/>.</summary>
    public ulong? Entry { get; set; }

    /// <summary>
    /// The mode the vCPU enters it in: <c>real</c> (as after reset), <c>protected32</c> (flat 4 GiB segments,
    /// paging off) or <c>long64</c> (identity-mapped page tables built by vmm).
    /// </summary>
    public CpuMode Mode { get; set; } = CpuMode.Real;
}
