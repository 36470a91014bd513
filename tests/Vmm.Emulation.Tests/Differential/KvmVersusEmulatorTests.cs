using Vmm.Emulation.Tests.Differential.Harness;

namespace Vmm.Emulation.Tests.Differential;

/// <summary>The emulator against real KVM; skipped where /dev/kvm is missing.</summary>
public sealed class KvmVersusEmulatorTests : DifferentialTests
{
    private protected override GuestBackend Reference => GuestBackend.Kvm;

    private protected override GuestBackend Candidate => GuestBackend.Emulator;
}
