using Vmm.Core.Hypervisor;

namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>A hypervisor the differential guests run on; skips the test, with the reason, where it cannot run.</summary>
internal abstract class GuestBackend
{
    public static GuestBackend Kvm { get; } = new KvmGuestBackend();

    public static GuestBackend Emulator { get; } = new EmulatorGuestBackend();

    public abstract string Name { get; }

    /// <summary>Calls <see cref="Assert.Skip(string)"/> when this backend cannot run here.</summary>
    public abstract void SkipUnlessAvailable();

    /// <summary>A new hypervisor; the caller disposes it if it is disposable.</summary>
    public abstract IHypervisor Create();

    public override string ToString() => Name;
}
