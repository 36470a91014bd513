namespace Vmm.Sdk;

/// <summary>
/// What firmware-facing devices tell the guest about the machine: how many vCPUs it has and where its RAM is
/// (a CMOS reports the memory size, fw_cfg the CPU count and RAM size). Devices ask for it in their constructor.
/// </summary>
/// <param name="VcpuCount">The number of vCPUs the VM was built with.</param>
/// <param name="Ram">The guest-physical RAM ranges, in address order (RAM above 3 GiB continues at 4 GiB).</param>
public sealed record MachineInfo(int VcpuCount, IReadOnlyList<RamRange> Ram)
{
    /// <summary>All RAM, in bytes.</summary>
    public ulong RamSize => Ram.Aggregate(0UL, static (sum, range) => sum + range.Size);

    /// <summary>Bytes of RAM below 4 GiB.</summary>
    public ulong RamBelow4G => Ram.Aggregate(0UL, static (sum, range) =>
        sum + (range.Address >= FourGiB ? 0 : Math.Min(range.Size, FourGiB - range.Address)));

    /// <summary>Bytes of RAM at or above 4 GiB.</summary>
    public ulong RamAbove4G => RamSize - RamBelow4G;

    private const ulong FourGiB = 1UL << 32;
}
