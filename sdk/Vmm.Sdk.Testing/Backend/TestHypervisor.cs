using Vmm.Core;
using Vmm.Core.Hypervisor;
using Vmm.Emulation;

namespace Vmm.Sdk.Testing.Backend;

/// <summary>
/// The backend every <see cref="TestVm"/> is built on. It decorates the hypervisor that runs guests (the emulator)
/// so the kit can put recording interrupt lines and exception-safe vCPUs in front of it. When there is no such
/// hypervisor, or it cannot create a VM, the VM gets the kit's own RAM and vCPUs: scripted accesses work the
/// same (they never run a vCPU) and only <see cref="TestVm.RunGuest(byte[], CpuMode, ulong, TimeSpan?)"/> is refused, with the reason.
/// </summary>
internal sealed class TestHypervisor : IHypervisor
{
    private readonly IHypervisor? _guestHypervisor;
    private readonly string? _whyNoGuest;
    private readonly TimeProvider _clock;
    private readonly DateTimeOffset _start;

    public TestHypervisor(Func<IHypervisor>? guestHypervisor, TimeProvider clock, DateTimeOffset start)
    {
        _clock = clock;
        _start = start;
        if (guestHypervisor is null)
        {
            _whyNoGuest = "this TestVm was built without a guest hypervisor (TestVmBuilder.WithoutGuestExecution)";
            return;
        }
        try
        {
            _guestHypervisor = guestHypervisor();
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            _whyNoGuest = $"the guest hypervisor could not be created ({ex.GetType().Name}: {ex.Message})";
        }
    }

    public string Name => _guestHypervisor is null ? "scripted" : $"test({_guestHypervisor.Name})";

    public int RecommendedVcpus => _guestHypervisor?.RecommendedVcpus ?? 64;

    public int MaxVcpus => _guestHypervisor?.MaxVcpus ?? 64;

    public TestVirtualMachine? LastMachine { get; private set; }

    public IVirtualMachine CreateVirtualMachine()
    {
        if (_guestHypervisor is null)
            return LastMachine = new TestVirtualMachine(null, _whyNoGuest, _clock, _start);

        IVirtualMachine inner;
        try
        {
            // The emulator's PIT runs on the test's clock, so a guest's timer ticks when the test advances it.
            inner = _guestHypervisor is EmulatedHypervisor emulator
                ? emulator.CreateVirtualMachine(_clock)
                : _guestHypervisor.CreateVirtualMachine();
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            return LastMachine = new TestVirtualMachine(null,
                $"the guest hypervisor '{_guestHypervisor.Name}' could not create a VM ({ex.GetType().Name}: {ex.Message})", _clock, _start);
        }
        return LastMachine = new TestVirtualMachine(inner, null, _clock, _start);
    }

    // The emulator while it is being written, or a hardware backend on a machine without it, may be unable to
    // make a VM; scripted tests do not need one, so they go on and RunGuest reports why it cannot run.
    private static bool IsUnavailable(Exception exception) =>
        exception is NotImplementedException or NotSupportedException or PlatformNotSupportedException or VmmException;
}
