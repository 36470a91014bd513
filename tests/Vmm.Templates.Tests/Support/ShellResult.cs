namespace Vmm.Templates.Tests.Support;

/// <summary>What one command did: its exit code, its output and how long it took.</summary>
internal sealed record ShellResult(GuideCommand Command, int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public string Describe() =>
        $"{Command} exited {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout ---\n{Tail(Stdout)}\n--- stderr ---\n{Tail(Stderr)}";

    private static string Tail(string text) => text.Length <= 6000 ? text : "..." + text[^6000..];
}
