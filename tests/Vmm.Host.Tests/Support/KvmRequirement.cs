using Vmm.Kvm;

namespace Vmm.Host.Tests.Support;

/// <summary>KVM tests run for real where /dev/kvm works and are skipped, with the reason, where it does not.</summary>
internal static class KvmRequirement
{
    public static void RequireOrSkip()
    {
        if (!KvmHypervisor.IsAvailable(out var reason))
            Assert.Skip($"KVM is not available here: {reason}");
    }
}
