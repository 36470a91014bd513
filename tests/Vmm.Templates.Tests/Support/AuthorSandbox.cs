using System.Diagnostics;

namespace Vmm.Templates.Tests.Support;

/// <summary>
/// A newcomer's machine, as far as .NET can tell: a folder outside the repository, a local feed holding the packages
/// the repository packs, a NuGet config naming it, and its own package cache, template hive and tool state, so
/// nothing installed here leaks into the real user profile and nothing stale from it leaks in.
/// </summary>
internal sealed class AuthorSandbox : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, string?> _environment;

    public AuthorSandbox()
    {
        Root = Directory.CreateTempSubdirectory("vmm-author-").FullName;
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        Work = Directory.CreateDirectory(Path.Combine(Root, "work")).FullName;
        CurrentDirectory = Work;
        _environment = AuthorEnvironment();
        File.WriteAllText(Path.Combine(Work, "nuget.config"), NuGetConfig());
    }

    /// <summary>Everything the sandbox made; deleted on dispose unless a step failed.</summary>
    public string Root { get; }

    /// <summary>The local feed the repository's packages are packed into.</summary>
    public string Feed { get; }

    /// <summary>Where the author works: outside the repository, with a nuget.config naming the feed.</summary>
    public string Work { get; }

    /// <summary>Where the next command runs; the guide's <c>cd</c> lines move it.</summary>
    public string CurrentDirectory { get; private set; }

    public bool Keep { get; set; }

    /// <summary>Packs every package of the repository into <see cref="Feed"/>, as a contributor would.</summary>
    public ShellResult PackRepository() =>
        Run(new GuideCommand($"dotnet pack Framework.sln -c Release -o \"{Feed}\"", 0), RepositoryRoot.Path, HostEnvironment());

    /// <summary>Runs one command of the guide in <see cref="CurrentDirectory"/> with the author's environment.</summary>
    public ShellResult Run(GuideCommand command)
    {
        if (command.StartsWith("cd "))
        {
            var target = Path.GetFullPath(command.Text[3..].Trim(), CurrentDirectory);
            var exists = Directory.Exists(target);
            if (exists)
                CurrentDirectory = target;
            return new ShellResult(command, exists ? 0 : 1, "", exists ? "" : $"no folder {target}", TimeSpan.Zero);
        }
        return Run(command, CurrentDirectory, _environment);
    }

    public void Dispose()
    {
        if (!Keep)
            Directory.Delete(Root, recursive: true);
    }

    private static ShellResult Run(GuideCommand command, string directory, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command.Text);
        start.Environment.Clear();
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            return new ShellResult(command, -1, "", $"timed out after {CommandTimeout}", clock.Elapsed);
        }
        process.WaitForExit();
        return new ShellResult(command, process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }

    /// <summary>
    /// The test process's environment without what `dotnet test` set for itself (MSBuild and test-host variables would
    /// point the children at this run's MSBuild), and with no build servers left behind holding our output pipes.
    /// </summary>
    private static Dictionary<string, string?> HostEnvironment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var key = (string)entry.Key;
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase) || key is "DOTNET_HOST_PATH" or "DOTNET_LAUNCH_PROFILE")
                continue;
            environment[key] = (string?)entry.Value;
        }
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        environment["UseSharedCompilation"] = "false";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        environment["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
        return environment;
    }

    private Dictionary<string, string?> AuthorEnvironment()
    {
        var environment = HostEnvironment();
        // Own package cache: the feed's 0.1.0 is always the one just packed, never a cached older 0.1.0.
        environment["NUGET_PACKAGES"] = Path.Combine(Root, "nuget-packages");
        // Own template hive and tool state (dotnet keeps them under DOTNET_CLI_HOME).
        environment["DOTNET_CLI_HOME"] = Directory.CreateDirectory(Path.Combine(Root, "home")).FullName;
        environment.Remove("VMM_PLUGIN_PATH");
        return environment;
    }

    /// <summary>
    /// Vmm's packages come from the feed only (source mapping); everything else from this machine's package cache
    /// first (fast, offline) and then nuget.org.
    /// </summary>
    private string NuGetConfig()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cacheSource = Directory.Exists(cache) ? $"""<add key="machine-cache" value="{cache}" />""" : "";
        var cacheMapping = Directory.Exists(cache) ? """<packageSource key="machine-cache"><package pattern="*" /></packageSource>""" : "";
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="vmm-feed" value="{Feed}" />
                {cacheSource}
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="vmm-feed"><package pattern="Vmm.*" /><package pattern="vmm" /></packageSource>
                {cacheMapping}
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """;
    }
}
