namespace Vmm.Core.Hypervisor;

/// <summary>How a vCPU's run ended.</summary>
/// <param name="Reason">Why it returned.</param>
/// <param name="Detail">For <see cref="VcpuStopReason.Fatal"/>: what the hypervisor said, with a register dump.</param>
public sealed record VcpuRunResult(VcpuStopReason Reason, string? Detail = null);
