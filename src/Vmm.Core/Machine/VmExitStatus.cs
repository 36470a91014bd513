namespace Vmm.Core.Machine;

/// <summary>How a VM ended and the process exit code that stands for it.</summary>
/// <param name="Kind">Why it stopped.</param>
/// <param name="ExitCode">The device's code for <see cref="VmStopKind.DeviceRequested"/>; otherwise one of the constants here.</param>
/// <param name="Detail">What the guest or hypervisor did, for <see cref="VmStopKind.Shutdown"/> and <see cref="VmStopKind.Fatal"/>.</param>
public sealed record VmExitStatus(VmStopKind Kind, int ExitCode, string? Detail = null)
{
    /// <summary>The guest halted, reset, or the host stopped it.</summary>
    public const int Success = 0;

    /// <summary>The guest faulted: triple fault, failed entry, hypervisor internal error.</summary>
    public const int GuestFault = 2;
}
