using Vmm.Emulation.Tests.Differential.Harness;

namespace Vmm.Emulation.Tests.Differential;

/// <summary>
/// Each guest twice on KVM: the harness, the device model and the guests are deterministic, so any
/// difference the emulator comparison reports is the emulator's. Skipped where /dev/kvm is missing.
/// </summary>
public sealed class KvmVersusKvmTests : DifferentialTests
{
    private protected override GuestBackend Reference => GuestBackend.Kvm;

    private protected override GuestBackend Candidate => GuestBackend.Kvm;
}
