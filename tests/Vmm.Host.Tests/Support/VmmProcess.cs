using System.Diagnostics;

namespace Vmm.Host.Tests.Support;

/// <summary>Runs the built vmm (beside the tests, with the default plugins) as a user would, and captures what it prints.</summary>
internal static class VmmProcess
{
    public static (int ExitCode, byte[] Stdout, string Stderr) Run(params string[] args) => Run(new Dictionary<string, string?>(), args);

    /// <summary>Runs vmm with <paramref name="environment"/> set; <c>VMM_PLUGIN_PATH</c> is unset unless given, whatever the test runner has.</summary>
    public static (int ExitCode, byte[] Stdout, string Stderr) Run(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunWithInput(environment, [], args);

    /// <summary>Runs vmm with <paramref name="input"/> piped into its standard input, then the pipe closed.</summary>
    public static (int ExitCode, byte[] Stdout, string Stderr) RunWithInput(byte[] input, params string[] args) =>
        RunWithInput(new Dictionary<string, string?>(), input, args);

    private static (int ExitCode, byte[] Stdout, string Stderr) RunWithInput(IReadOnlyDictionary<string, string?> environment, byte[] input, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("VMM_PLUGIN_PATH");
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vmm.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("vmm did not exit within 60 s");
        }
        copy.Wait();
        return (process.ExitCode, stdout.ToArray(), stderr.Result);
    }
}
