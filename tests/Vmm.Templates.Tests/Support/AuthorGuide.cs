using System.Text.RegularExpressions;

namespace Vmm.Templates.Tests.Support;

/// <summary>
/// The commands of docs/writing-a-device.md: every line of its <c>```sh</c> blocks, in order, without comments.
/// Blocks fenced otherwise (<c>```text</c>, <c>```json</c>, <c>```csharp</c>) are shown to the reader, not run.
/// </summary>
internal static partial class AuthorGuide
{
    public static string FilePath => Path.Combine(RepositoryRoot.Path, "docs", "writing-a-device.md");

    public static IReadOnlyList<GuideCommand> ReadCommands() => Parse(File.ReadAllLines(FilePath));

    public static IReadOnlyList<GuideCommand> Parse(IReadOnlyList<string> lines)
    {
        var commands = new List<GuideCommand>();
        var inShellBlock = false;
        var inOtherBlock = false;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                if (inShellBlock || inOtherBlock)
                    inShellBlock = inOtherBlock = false;
                else if (line == "```sh")
                    inShellBlock = true;
                else
                    inOtherBlock = true;
                continue;
            }
            if (!inShellBlock || line.Length == 0 || line.StartsWith('#'))
                continue;
            var command = TrailingComment().Replace(line, "");
            commands.Add(new GuideCommand(command, i + 1));
        }
        return commands;
    }

    // "cmd   # what it does": a comment starts at a # after whitespace (none of the guide's commands quote a #).
    [GeneratedRegex(@"\s+#.*$")]
    private static partial Regex TrailingComment();
}
