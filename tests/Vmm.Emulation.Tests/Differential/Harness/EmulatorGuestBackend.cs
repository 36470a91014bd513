using Vmm.Core.Hypervisor;

namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>The Iced-based interpreter, <see cref="EmulatedHypervisor"/>: runs anywhere.</summary>
internal sealed class EmulatorGuestBackend : GuestBackend
{
    public override string Name => "emulator";

    public override void SkipUnlessAvailable()
    {
    }

    public override IHypervisor Create() => new EmulatedHypervisor();
}
