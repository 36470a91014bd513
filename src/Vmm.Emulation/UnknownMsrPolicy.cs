namespace Vmm.Emulation;

/// <summary>What RDMSR and WRMSR do with an MSR the emulator does not model.</summary>
public enum UnknownMsrPolicy
{
    /// <summary>
    /// Raise #GP, as KVM does by default. The emulator does not deliver exceptions yet, so the run stops:
    /// <see cref="Core.Hypervisor.VcpuStopReason.Fatal"/> naming the MSR (or a triple fault, if the guest's IDT
    /// could not have delivered the #GP).
    /// </summary>
    RaiseGeneralProtection,

    /// <summary>Read 0 and drop writes, as KVM does with <c>kvm.ignore_msrs=1</c>.</summary>
    ReadZeroIgnoreWrite,
}
