using Vmm.Core;
using Vmm.Core.Hypervisor;
using Vmm.Kvm;

namespace Vmm.Host;

/// <summary>Picks the backend for <c>--backend</c>: <c>auto</c> takes KVM where it is available.</summary>
public static class HypervisorSelector
{
    public static readonly string[] Names = ["auto", "kvm"];

    public static IHypervisor Select(string backend)
    {
        switch (backend.ToLowerInvariant())
        {
            case "auto":
            case "kvm":
                if (!KvmHypervisor.IsAvailable(out var reason))
                    throw new HypervisorException($"backend {backend}: KVM is not available ({reason}); on Linux load the kvm module and give this user access to /dev/kvm");
                return new KvmHypervisor();
            default:
                throw new ConfigurationException($"--backend {backend}: unknown backend; choose one of {string.Join(", ", Names)}");
        }
    }
}
