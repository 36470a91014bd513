namespace Vmm.Templates.Tests.Support;

/// <summary>One shell command of the author guide, with the line it is on (for failure messages).</summary>
internal sealed record GuideCommand(string Text, int Line)
{
    public bool StartsWith(string prefix) => Text.StartsWith(prefix, StringComparison.Ordinal);

    public override string ToString() => $"line {Line}: {Text}";
}
