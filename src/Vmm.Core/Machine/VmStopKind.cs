namespace Vmm.Core.Machine;

/// <summary>Why a VM stopped.</summary>
public enum VmStopKind
{
    /// <summary>A device asked (debug-exit); the exit code is the device's.</summary>
    DeviceRequested,
    /// <summary>Every vCPU halted.</summary>
    Halted,
    /// <summary>The host stopped it (<see cref="Vm.Stop"/>).</summary>
    Stopped,
    /// <summary>The guest shut down (triple fault).</summary>
    Shutdown,
    /// <summary>The guest asked for a reset and the VM was built not to reboot (<see cref="VmBuilder.RebootOnReset"/>, <c>--no-reboot</c>).</summary>
    Reset,
    /// <summary>The hypervisor could not go on.</summary>
    Fatal,
}
