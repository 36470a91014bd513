using Vmm.Core.Hypervisor;
using Vmm.Core.Tests.Machine.Probe;
using Vmm.Emulation;

namespace Vmm.Core.Tests.Machine;

/// <summary>Machine reset on the x86 emulator backend.</summary>
public sealed class VmResetOnEmulatorTests : VmResetTests
{
    protected override IHypervisor CreateHypervisor() => new EmulatedHypervisor();
}
