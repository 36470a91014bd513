using Vmm.Emulation.Tests.Differential.Harness;

namespace Vmm.Emulation.Tests.Differential;

/// <summary>The differential guests on the emulator alone: runs everywhere, also where KVM is missing.</summary>
public sealed class EmulatorGuestTraceTests : GuestTraceTests
{
    private protected override GuestBackend Backend => GuestBackend.Emulator;
}
