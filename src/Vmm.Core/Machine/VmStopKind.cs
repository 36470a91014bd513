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
    /// <summary>The guest asked for a reset; rebooting is not modelled, so the VM stops.</summary>
    Reset,
    /// <summary>The hypervisor could not go on.</summary>
    Fatal,
}
