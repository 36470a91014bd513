namespace Vmm.Kvm.Tests.Guests;

/// <summary>Skips a test, with the reason, where KVM cannot be used; never passes it silently.</summary>
internal static class KvmRequirement
{
    public static void SkipUnlessAvailable()
    {
        if (!KvmHypervisor.IsAvailable(out string reason))
            Assert.Skip($"KVM is not available: {reason}");
    }
}
