namespace Vmm.Core.Hypervisor;

/// <summary>Why <see cref="IVcpu.Run"/> returned.</summary>
public enum VcpuStopReason
{
    /// <summary>The host or a device asked for a stop (<see cref="IVcpu.RequestStop"/>).</summary>
    Requested,
    /// <summary>The guest halted and nothing will wake it.</summary>
    Halted,
    /// <summary>The guest shut down (triple fault).</summary>
    Shutdown,
    /// <summary>The guest asked for a reset.</summary>
    Reset,
    /// <summary>The hypervisor could not go on (failed entry, internal error, unknown exit).</summary>
    Fatal,
}
