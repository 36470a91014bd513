using Vmm.Core.Hypervisor;
using Vmm.Core.Tests.Machine.Probe;
using Vmm.Kvm.Tests.Guests;

namespace Vmm.Kvm.Tests.Machine;

/// <summary>Machine reset on KVM with the in-kernel irqchip: the PIC's state is reset with the vCPUs.</summary>
public sealed class VmResetOnKvmTests : VmResetTests
{
    protected override IHypervisor CreateHypervisor()
    {
        KvmRequirement.SkipUnlessAvailable();
        return new KvmHypervisor { InKernelIrqchip = true };
    }
}
