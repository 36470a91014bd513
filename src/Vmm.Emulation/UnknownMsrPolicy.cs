namespace Vmm.Emulation;

/// <summary>What RDMSR and WRMSR do with an MSR the emulator does not model.</summary>
public enum UnknownMsrPolicy
{
    /// <summary>
    /// Raise #GP(0), as KVM does by default: the guest's #GP handler runs, or, without one, the run ends
    /// (a triple fault, or a fatal stop in real mode) with a message naming the MSR.
    /// </summary>
    RaiseGeneralProtection,

    /// <summary>Read 0 and drop writes, as KVM does with <c>kvm.ignore_msrs=1</c>.</summary>
    ReadZeroIgnoreWrite,
}
