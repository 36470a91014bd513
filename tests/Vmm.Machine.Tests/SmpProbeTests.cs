using System.Globalization;
using System.Text.RegularExpressions;
using Vmm.Machine.Tests.Support;

namespace Vmm.Machine.Tests;

/// <summary>
/// The smp probe on KVM: the BSP starts the AP with INIT, SIPI, SIPI through its local APIC; the AP switches from the
/// real-mode trampoline to 32-bit C, reports its APIC id, and both CPUs count on shared memory concurrently and in turns.
/// </summary>
public sealed partial class SmpProbeTests(ITestOutputHelper output)
{
    [Fact]
    public void With_two_cpus_the_ap_starts_reports_apic_id_1_and_both_count()
    {
        var report = ProbeGuest.Run("smp", "--memory", "16M", "--cpus", "2");

        report.AssertAllPassed();
        Assert.Equal("0", report.Passed("bsp-apic-id"));
        Assert.Equal("init sipi sipi", report.Passed("ipis-delivered"));
        Assert.Equal("2", report.Passed("cpus"));
        Assert.Equal("1", report.Passed("ap-apic-id"));
        // 20000 locked increments from each CPU on one counter: none lost.
        Assert.Equal("concurrent 40000 of 40000", report.Passed("counting"));
        // 200 turns each, strictly alternating: each side waited for the other every time.
        Assert.Equal("bsp 200 ap 200 baton 400", report.Passed("counting-in-turns"));
        var started = StartedAfter().Match(report.Passed("ap-started"));
        Assert.True(started.Success, report.ToString());
        output.WriteLine($"first SIPI to the AP reporting in: {int.Parse(started.Groups[1].Value, CultureInfo.InvariantCulture)} µs");
    }

    [Fact]
    public void With_one_cpu_the_probe_reports_that_no_ap_came()
    {
        var report = ProbeGuest.Run("smp", "--memory", "16M", "--cpus", "1");

        Assert.Equal(ProbeGuest.FailedExitCode, report.ExitCode);
        Assert.Equal("no AP answered within 2000 ms", report.Failed("ap-started"));
        Assert.Equal("1", report.Failed("cpus"));
        // Nothing to count with: the probe stops before the counting checks.
        Assert.DoesNotContain(report.Checks, c => c.Name.StartsWith("counting", StringComparison.Ordinal));
        Assert.Contains("DONE 2 failed", report.Output);
    }

    [GeneratedRegex(@"^after (\d+) us$")]
    private static partial Regex StartedAfter();
}
