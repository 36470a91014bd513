using System.Text;
using Vmm.Templates.Tests.Support;

namespace Vmm.Templates.Tests;

/// <summary>
/// Issue 5's proof: from packed packages to a guest talking to a new device, by running every command of
/// docs/writing-a-device.md in a folder outside the repository. Each step's wall time and the package sizes are
/// written to the test output and to artifacts/author-path.md.
/// </summary>
public sealed class AuthorPathTests(ITestOutputHelper output)
{
    // What the template's sample guest does with the defaults: three doorbell rings of step 1, then debug-exit.
    private const string SampleGuestOutput = "counter=3";
    private const int SampleGuestExitCode = (3 << 1) | 1;

    [Fact]
    public void The_guide_holds_the_whole_author_path()
    {
        var commands = AuthorGuide.ReadCommands();

        Assert.Contains(commands, c => c.StartsWith("dotnet new install Vmm.Templates"));
        Assert.Contains(commands, c => c.StartsWith("dotnet new vmm-device"));
        Assert.Contains(commands, c => c.StartsWith("dotnet test"));
        Assert.Contains(commands, c => c.StartsWith("dotnet publish"));
        Assert.Contains(commands, c => c.StartsWith("dotnet vmm plugins"));
        Assert.Contains(commands, c => c.StartsWith("dotnet vmm run"));
    }

    [Fact]
    public void Every_command_of_the_guide_works_from_the_packed_packages_to_a_running_guest()
    {
        using var sandbox = new AuthorSandbox { Keep = true };
        var timings = new List<ShellResult>();

        var pack = sandbox.PackRepository();
        Assert.True(pack.ExitCode == 0, pack.Describe());
        timings.Add(pack);

        foreach (var command in AuthorGuide.ReadCommands())
        {
            var result = sandbox.Run(command);
            timings.Add(result);
            output.WriteLine($"{result.Elapsed.TotalSeconds,6:F1} s  {command.Text}");
            Check(result);
        }

        CheckPluginFolders(sandbox.Work);
        CheckGeneratedProjectsUsePackages(sandbox.Work);
        Report(timings, sandbox.Feed);
        sandbox.Keep = false;
    }

    private static void Check(ShellResult result)
    {
        var command = result.Command;
        if (command.StartsWith("dotnet vmm run"))
        {
            Assert.True(result.ExitCode == SampleGuestExitCode, $"expected exit {SampleGuestExitCode}: {result.Describe()}");
            Assert.Contains(SampleGuestOutput, result.Stdout);
        }
        else if (command.StartsWith("dotnet vmm plugins"))
        {
            Assert.True(result.ExitCode == 0, result.Describe());
            // The new device type is listed with its options, their types, defaults and descriptions.
            Assert.Matches(@"(?m)^\s+[a-z-]+: ", result.Stdout);
            Assert.Matches(@"(?m)^\s+step: byte = 1 — \S", result.Stdout);
            Assert.Contains("uart16550", result.Stdout);
        }
        else if (command.StartsWith("dotnet test"))
        {
            Assert.True(result.ExitCode == 0, result.Describe());
            Assert.Matches(@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+[1-9]", result.Stdout);
        }
        else
        {
            Assert.True(result.ExitCode == 0, result.Describe());
        }
    }

    /// <summary>A published plugin folder holds the plugin and its own dependencies, never the host's shared assemblies.</summary>
    private static void CheckPluginFolders(string work)
    {
        var folders = Directory.GetDirectories(work, "plugins", SearchOption.AllDirectories)
            .SelectMany(Directory.GetDirectories).ToArray();
        Assert.NotEmpty(folders);
        foreach (var folder in folders)
        {
            var name = Path.GetFileName(folder);
            Assert.True(File.Exists(Path.Combine(folder, name + ".dll")), $"{folder} has no {name}.dll");
            var shared = Directory.GetFiles(folder, "*.dll").Select(Path.GetFileName)
                .Where(file => file!.StartsWith("Vmm.Sdk", StringComparison.Ordinal) || file.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal));
            Assert.Empty(shared);
        }
    }

    /// <summary>The generated projects build against the packages, as an author outside the repository does.</summary>
    private static void CheckGeneratedProjectsUsePackages(string work)
    {
        var projects = Directory.GetFiles(work, "*.csproj", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(projects);
        foreach (var project in projects)
        {
            var text = File.ReadAllText(project);
            Assert.DoesNotContain("Vmm.Sdk.csproj", text);
            Assert.DoesNotContain("Vmm.Sdk.Testing.csproj", text);
        }
        Assert.Contains(projects, p => File.ReadAllText(p).Contains("<PackageReference Include=\"Vmm.Sdk\"", StringComparison.Ordinal));
        Assert.Contains(projects, p => File.ReadAllText(p).Contains("<PackageReference Include=\"Vmm.Sdk.Testing\"", StringComparison.Ordinal));
    }

    private void Report(IReadOnlyList<ShellResult> steps, string feed)
    {
        var report = new StringBuilder();
        report.AppendLine("| step | wall time |").AppendLine("|---|---|");
        foreach (var step in steps)
            report.AppendLine($"| `{step.Command.Text}` | {step.Elapsed.TotalSeconds:F1} s |");
        report.AppendLine($"| **total** | {steps.Sum(s => s.Elapsed.TotalSeconds):F1} s |");
        report.AppendLine().AppendLine("| package | size |").AppendLine("|---|---|");
        foreach (var package in Directory.GetFiles(feed).Order(StringComparer.Ordinal))
            report.AppendLine($"| {Path.GetFileName(package)} | {new FileInfo(package).Length / 1024.0:F0} KiB |");

        output.WriteLine(report.ToString());
        var artifacts = Directory.CreateDirectory(Path.Combine(RepositoryRoot.Path, "artifacts"));
        File.WriteAllText(Path.Combine(artifacts.FullName, "author-path.md"), report.ToString());
    }
}
