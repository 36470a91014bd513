namespace Vmm.Sdk.Testing;

/// <summary>What a <see cref="TestVm"/> does with a port or MMIO access no device claims.</summary>
public enum UnhandledAccessPolicy
{
    /// <summary>As in production: reads return all-ones, writes are dropped. The default.</summary>
    AllOnes,

    /// <summary>
    /// The access fails the test: a scripted access throws <see cref="UnhandledAccessException"/> naming it, and
    /// <see cref="TestVm.RunGuest(byte[], Vmm.Core.Hypervisor.CpuMode, ulong, TimeSpan?)"/> stops the guest and throws it.
    /// </summary>
    Fail,
}
