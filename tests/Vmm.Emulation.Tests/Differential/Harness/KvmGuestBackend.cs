using Vmm.Core.Hypervisor;
using Vmm.Kvm;

namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>Real KVM through <see cref="KvmHypervisor"/>: the reference every other backend is compared with.</summary>
internal sealed class KvmGuestBackend : GuestBackend
{
    public override string Name => "kvm";

    public override void SkipUnlessAvailable()
    {
        if (!KvmHypervisor.IsAvailable(out string reason))
            Assert.Skip($"KVM is not available: {reason}");
    }

    public override IHypervisor Create() => new KvmHypervisor();
}
