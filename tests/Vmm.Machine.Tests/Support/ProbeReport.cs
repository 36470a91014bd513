namespace Vmm.Machine.Tests.Support;

/// <summary>
/// What a probe guest reported on COM1 (lines <c>PASS name detail</c>, <c>FAIL name detail</c>, <c>INFO ...</c>,
/// then <c>DONE n failed</c>) and how vmm exited.
/// </summary>
internal sealed record ProbeReport(int ExitCode, string Output, string Stderr, IReadOnlyList<ProbeLine> Checks)
{
    public static ProbeReport Parse(int exitCode, string output, string stderr)
    {
        var checks = new List<ProbeLine>();
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var parts = line.Split(' ', 3);
            if (parts.Length >= 2 && parts[0] is "PASS" or "FAIL")
                checks.Add(new ProbeLine(parts[0] == "PASS", parts[1], parts.Length > 2 ? parts[2] : ""));
        }
        return new ProbeReport(exitCode, output, stderr, checks);
    }

    /// <summary>The detail of the one check named <paramref name="name"/>, which must have passed.</summary>
    public string Passed(string name)
    {
        var line = Assert.Single(Checks, c => c.Name == name);
        Assert.True(line.Passed, $"FAIL {name} {line.Detail}\n{this}");
        return line.Detail;
    }

    /// <summary>The detail of the one check named <paramref name="name"/>, which must have failed.</summary>
    public string Failed(string name)
    {
        var line = Assert.Single(Checks, c => c.Name == name);
        Assert.False(line.Passed, $"PASS {name} {line.Detail}, expected FAIL\n{this}");
        return line.Detail;
    }

    /// <summary>Every check passed, the probe finished, and vmm exited with the probe's pass code.</summary>
    public void AssertAllPassed()
    {
        Assert.True(ExitCode == ProbeGuest.PassedExitCode && Checks.Count > 0 && Checks.All(c => c.Passed) && Output.Contains("DONE 0 failed"),
            $"probe did not pass:\n{this}");
    }

    public override string ToString() => $"exit {ExitCode}\n--- COM1 ---\n{Output}\n--- stderr ---\n{Stderr}";
}
