using Vmm.Emulation.Tests.Differential.Harness;

namespace Vmm.Emulation.Tests.Differential;

/// <summary>The differential guests on real KVM; skipped where /dev/kvm is missing.</summary>
public sealed class KvmGuestTraceTests : GuestTraceTests
{
    private protected override GuestBackend Backend => GuestBackend.Kvm;
}
