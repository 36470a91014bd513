namespace Vmm.Sdk;

/// <summary>What the vCPU does once an exit has been handled.</summary>
public enum ExitOutcome
{
    /// <summary>Complete the exit and keep running the guest (the default).</summary>
    Resume,
    /// <summary>Complete the exit, then stop this vCPU; the others keep running.</summary>
    StopVcpu,
    /// <summary>Complete the exit, then stop the whole VM.</summary>
    StopVm,
}
