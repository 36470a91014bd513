using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;

namespace Vmm.Sdk.Testing;

/// <summary>How a guest run by <see cref="TestVm.RunGuest(byte[], CpuMode, ulong, TimeSpan?)"/> ended.</summary>
/// <param name="Status">How the VM stopped: <see cref="VmStopKind.Halted"/> after <c>hlt</c>, <see cref="VmStopKind.DeviceRequested"/> after a debug-exit write, ...</param>
/// <param name="Registers">vCPU 0's general registers, RIP and RFLAGS when it stopped.</param>
public sealed record GuestRunResult(VmExitStatus Status, VcpuRegisters Registers)
{
    /// <summary>The exit code the host would exit with (<see cref="VmExitStatus.ExitCode"/>).</summary>
    public int ExitCode => Status.ExitCode;

    /// <summary>True if the guest halted (rather than a device or the host stopping it).</summary>
    public bool Halted => Status.Kind == VmStopKind.Halted;
}
