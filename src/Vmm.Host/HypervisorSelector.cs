using Vmm.Core;
using Vmm.Core.Hypervisor;
using Vmm.Emulation;
using Vmm.Kvm;

namespace Vmm.Host;

/// <summary>
/// Picks the backend for <c>--backend</c>: <c>auto</c> takes KVM where it is available and falls back to
/// the x86 emulator (slow, but runs anywhere); <c>kvm</c> and <c>emulator</c> insist on one. KVM gets its in-kernel
/// PC interrupt controllers and PIT, as QEMU's pc machine on KVM has.
/// </summary>
public static class HypervisorSelector
{
    public static readonly string[] Names = ["auto", "kvm", "emulator"];

    public static IHypervisor Select(string backend, TextWriter notices)
    {
        switch (backend.ToLowerInvariant())
        {
            case "auto":
                if (KvmHypervisor.IsAvailable(out var reason))
                    return new KvmHypervisor { InKernelIrqchip = true };
                notices.WriteLine($"vmm: KVM is not available ({reason}); running on the x86 emulator");
                return new EmulatedHypervisor();
            case "kvm":
                if (!KvmHypervisor.IsAvailable(out var why))
                    throw new HypervisorException($"--backend kvm: KVM is not available ({why}); load the kvm module and give this user access to /dev/kvm, or use --backend emulator");
                return new KvmHypervisor { InKernelIrqchip = true };
            case "emulator":
                return new EmulatedHypervisor();
            default:
                throw new ConfigurationException($"--backend {backend}: unknown backend; choose one of {string.Join(", ", Names)}");
        }
    }
}
