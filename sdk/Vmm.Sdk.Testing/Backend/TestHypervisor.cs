using Vmm.Core;
using Vmm.Core.Hypervisor;

namespace Vmm.Sdk.Testing.Backend;

/// <summary>
/// The backend every <see cref="TestVm"/> is built on. It decorates the hypervisor that runs guests (the emulator)
/// so the kit can put recording interrupt lines and exception-safe vCPUs in front of it. When there is no such
/// hypervisor, or it cannot create a VM, the VM gets the kit's own RAM and vCPUs: scripted accesses work the
/// same (they never run a vCPU) and only <see cref="TestVm.RunGuest(byte[], CpuMode, ulong, TimeSpan?)"/> is refused, with the reason.
/// </summary>
internal sealed class TestHypervisor(IHypervisor? guestHypervisor, TimeProvider clock, DateTimeOffset start) : IHypervisor
{
    public string Name => guestHypervisor is null ? "scripted" : $"test({guestHypervisor.Name})";

    public int RecommendedVcpus => guestHypervisor?.RecommendedVcpus ?? 64;

    public int MaxVcpus => guestHypervisor?.MaxVcpus ?? 64;

    public TestVirtualMachine? LastMachine { get; private set; }

    public IVirtualMachine CreateVirtualMachine()
    {
        if (guestHypervisor is null)
            return LastMachine = new TestVirtualMachine(null, "this TestVm was built without a guest hypervisor (TestVmBuilder.WithoutGuestExecution)", clock, start);

        IVirtualMachine inner;
        try
        {
            inner = guestHypervisor.CreateVirtualMachine();
        }
        // The emulator, or a hardware backend on a machine without it, may be unable to make a VM; scripted
        // tests do not need one, so they go on and RunGuest reports why it cannot run.
        catch (Exception ex) when (ex is NotImplementedException or NotSupportedException or PlatformNotSupportedException or VmmException)
        {
            return LastMachine = new TestVirtualMachine(null,
                $"the guest hypervisor '{guestHypervisor.Name}' could not create a VM ({ex.GetType().Name}: {ex.Message})", clock, start);
        }
        return LastMachine = new TestVirtualMachine(inner, null, clock, start);
    }
}
