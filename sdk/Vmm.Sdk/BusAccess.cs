namespace Vmm.Sdk;

/// <summary>Where a bus access landed, relative to the device that claimed it.</summary>
/// <param name="Address">The absolute port or guest-physical address, for logs.</param>
/// <param name="Offset">The offset from the base of the device range that was hit.</param>
/// <param name="Range">Which of the device's ranges was hit, in the order the device type declared them.</param>
/// <param name="VcpuId">The vCPU that made the access.</param>
public readonly record struct BusAccess(ulong Address, ulong Offset, int Range, int VcpuId);
