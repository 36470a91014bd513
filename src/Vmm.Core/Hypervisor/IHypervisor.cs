namespace Vmm.Core.Hypervisor;

/// <summary>A way to run guests: KVM, WHP, or the emulator.</summary>
public interface IHypervisor
{
    /// <summary>Short name used on the command line (<c>kvm</c>).</summary>
    string Name { get; }

    /// <summary>The vCPU count the hypervisor recommends (KVM_CAP_NR_VCPUS); more works but may be slow.</summary>
    int RecommendedVcpus { get; }

    /// <summary>The most vCPUs one VM may have (KVM_CAP_MAX_VCPUS).</summary>
    int MaxVcpus { get; }

    /// <summary>Creates an empty VM: no RAM, no vCPUs.</summary>
    IVirtualMachine CreateVirtualMachine();
}
