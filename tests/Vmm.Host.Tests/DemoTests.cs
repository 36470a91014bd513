using System.Text;
using Vmm.Host.Demo;
using Vmm.Host.Tests.Support;

namespace Vmm.Host.Tests;

public class DemoTests
{
    [Fact]
    public void Demo_greeting_reaches_stdout_byte_exact_and_the_exit_code_is_the_debug_exit_code()
    {
        KvmRequirement.RequireOrSkip();

        var (exitCode, stdout, stderr) = VmmProcess.Run("run");

        Assert.Equal(Encoding.ASCII.GetBytes(DemoGuest.Greeting), stdout);
        Assert.Equal(33, DemoGuest.ExpectedExitCode);
        Assert.True(exitCode == DemoGuest.ExpectedExitCode, $"exit code {exitCode}, stderr: {stderr}");
    }

    [Fact]
    public void Demo_runs_on_the_emulator_with_the_same_output_and_exit_code()
    {
        var (exitCode, stdout, stderr) = VmmProcess.Run("run", "--backend", "emulator");

        Assert.Equal(Encoding.ASCII.GetBytes(DemoGuest.Greeting), stdout);
        Assert.True(exitCode == DemoGuest.ExpectedExitCode, $"exit code {exitCode}, stderr: {stderr}");
    }

    [Fact]
    public void Demo_exits_are_the_same_on_kvm_and_on_the_emulator()
    {
        KvmRequirement.RequireOrSkip();

        var onKvm = ExitLines(VmmProcess.Run("run", "--trace", "--backend", "kvm").Stderr);
        var onEmulator = ExitLines(VmmProcess.Run("run", "--trace", "--backend", "emulator").Stderr);

        Assert.Equal(2 * DemoGuest.Greeting.Length + 1, onKvm.Length);
        Assert.Equal(onKvm, onEmulator);
    }

    private static string[] ExitLines(string stderr) =>
        stderr.Split('\n').Where(line => line.Contains("Vmm.Exits")).Select(line => line[line.IndexOf("vCPU", StringComparison.Ordinal)..].TrimEnd()).ToArray();

    [Fact]
    public void Stats_prints_the_exit_table_with_one_out_per_character()
    {
        KvmRequirement.RequireOrSkip();

        var (exitCode, _, stderr) = VmmProcess.Run("run", "--stats");

        Assert.Equal(DemoGuest.ExpectedExitCode, exitCode);
        // One OUT per greeting character plus the debug-exit write; one IN per LSR poll (THRE is always set).
        Assert.Matches($@"IoOut\s+{DemoGuest.Greeting.Length + 1}\b", stderr);
        Assert.Matches($@"IoIn\s+{DemoGuest.Greeting.Length}\b", stderr);
        Assert.Matches($@"com1 \(uart16550\)\s+{DemoGuest.Greeting.Length * 2}\b", stderr);
    }

    [Fact]
    public void Trace_logs_each_exit_with_its_port_data_and_outcome()
    {
        KvmRequirement.RequireOrSkip();

        var (exitCode, _, stderr) = VmmProcess.Run("run", "--trace");

        Assert.Equal(DemoGuest.ExpectedExitCode, exitCode);
        Assert.Contains("IoOut 0x3f8 size 1 count 1 data 48 handled True -> Resume", stderr);   // 'H'
        Assert.Contains("IoOut 0x501 size 1 count 1 data 10 handled True -> StopVm", stderr);
    }

    [Fact]
    public void Demo_guest_assembles_to_code_then_its_greeting()
    {
        var image = DemoGuest.Assemble();

        Assert.Equal(DemoGuest.Greeting + "\0", Encoding.ASCII.GetString(image, 0x80, image.Length - 0x80));
    }
}
