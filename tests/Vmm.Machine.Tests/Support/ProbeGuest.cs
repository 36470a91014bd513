using System.Text;
using Vmm.Host.Tests.Support;

namespace Vmm.Machine.Tests.Support;

/// <summary>
/// Runs a probe kernel from tests/Guests (built beside the tests into guests/NAME.elf) under the built vmm on KVM,
/// (or the emulator) with debug-exit at 0xf4 width 4 as QEMU's tests place isa-debug-exit, and parses its report.
/// A KVM run skips, with the reason, where /dev/kvm is missing.
/// </summary>
internal static class ProbeGuest
{
    /// <summary>What a probe that passed every check exits with: debug-exit value 0, so (0 &lt;&lt; 1) | 1.</summary>
    public const int PassedExitCode = 1;

    /// <summary>A probe with a FAIL line writes 1 to debug-exit.</summary>
    public const int FailedExitCode = 3;

    public static string KernelPath(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "guests", name + ".elf");
        Assert.True(File.Exists(path), $"probe kernel {path} was not built; build tests/Vmm.Machine.Tests (it runs make in tests/Guests)");
        return path;
    }

    /// <summary>Runs the probe on KVM.</summary>
    public static ProbeReport Run(string name, params string[] arguments) => RunOn("kvm", name, arguments);

    /// <summary>Runs the probe on <paramref name="backend"/> (<c>kvm</c> or <c>emulator</c>), for probes both can run.</summary>
    public static ProbeReport RunOn(string backend, string name, params string[] arguments)
    {
        if (backend == "kvm")
            KvmRequirement.RequireOrSkip();
        string[] args = ["run", "--kernel", KernelPath(name), "--backend", backend, "--device", "debug-exit,port=0xf4,width=4", .. arguments];
        var (exitCode, stdout, stderr) = VmmProcess.Run(args);
        return ProbeReport.Parse(exitCode, Encoding.ASCII.GetString(stdout), stderr);
    }
}
