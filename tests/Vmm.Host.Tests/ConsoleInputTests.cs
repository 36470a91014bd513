using System.Text;
using Iced.Intel;
using Vmm.Host.Commands;
using Vmm.Host.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Host.Tests;

/// <summary>vmm's standard input reaching the guest through the console on stdout (COM1), as QEMU's <c>-serial stdio</c>.</summary>
public sealed class ConsoleInputTests : IDisposable
{
    private const ushort Com1 = 0x3f8, LineStatus = Com1 + 5, DebugExit = 0x501;
    private const byte DataReady = 0x01, TransmitterEmpty = 0x20;

    private readonly string _folder = Directory.CreateTempSubdirectory("vmm-stdin-").FullName;

    [Theory]
    [InlineData("emulator")]
    [InlineData("kvm")]
    public void Piped_input_is_echoed_by_the_guest_until_its_stop_byte(string backend)
    {
        if (backend == "kvm")
            KvmRequirement.RequireOrSkip();
        File.WriteAllBytes(Path.Combine(_folder, "echo.bin"), AssembleEcho());
        File.WriteAllText(Path.Combine(_folder, "vm.json"), """
            {
              "memory": "1M",
              "image": { "path": "echo.bin", "address": "0x7c00" },
              "devices": [
                { "type": "uart16550", "name": "com1", "console": "stdout" },
                { "type": "debug-exit", "options": { "port": "0x501" } }
              ]
            }
            """);

        var (exitCode, stdout, stderr) = VmmProcess.RunWithInput("typed through a pipe.never read"u8.ToArray(),
            "run", Path.Combine(_folder, "vm.json"), "--backend", backend);

        // The guest echoes each byte and stops with debug-exit after the '.': exit code (0x2e << 1) | 1.
        Assert.True(exitCode == ((0x2e << 1) | 1), $"exit {exitCode}: {stderr}");
        Assert.Equal("typed through a pipe.", Encoding.ASCII.GetString(stdout));
    }

    [Theory]
    [InlineData(false, "/dev/pts/3", StandardInputKind.Terminal)]
    [InlineData(true, "pipe:[12345]", StandardInputKind.Stream)]
    [InlineData(true, "socket:[12345]", StandardInputKind.Stream)]
    [InlineData(true, "/home/user/input.txt", StandardInputKind.Stream)]
    [InlineData(true, "/dev/null", StandardInputKind.Device)]
    [InlineData(true, null, StandardInputKind.Closed)]
    public void Standard_input_is_wired_for_terminals_pipes_and_files_only(bool redirected, string? linkTarget, StandardInputKind kind) =>
        Assert.Equal(kind, ConsoleTarget.Classify(redirected, linkTarget));

    [Fact]
    public void Only_the_first_console_on_stdout_reads_standard_input()
    {
        var taken = false;

        Assert.Null(ConsoleTarget.OpenInput("stderr", ref taken));
        Assert.Null(ConsoleTarget.OpenInput(null, ref taken));
        Assert.False(taken);
        using (ConsoleTarget.OpenInput("stdout", ref taken))
            Assert.True(taken);
        Assert.Null(ConsoleTarget.OpenInput("stdout", ref taken));
    }

    /// <summary>Real mode: wait for LSR.DR, read RBR, wait for THRE, echo it; after a '.', write it to debug-exit.</summary>
    private static byte[] AssembleEcho()
    {
        var a = new Assembler(16);
        var waitInput = a.CreateLabel();
        var waitOutput = a.CreateLabel();
        a.Label(ref waitInput);
        a.mov(dx, LineStatus);
        a.@in(al, dx);
        a.test(al, DataReady);
        a.jz(waitInput);
        a.mov(dx, Com1);
        a.@in(al, dx);
        a.mov(bl, al);
        a.Label(ref waitOutput);
        a.mov(dx, LineStatus);
        a.@in(al, dx);
        a.test(al, TransmitterEmpty);
        a.jz(waitOutput);
        a.mov(dx, Com1);
        a.mov(al, bl);
        a.@out(dx, al);
        a.cmp(bl, (byte)'.');
        a.jne(waitInput);
        a.mov(dx, DebugExit);
        a.@out(dx, al);
        a.hlt();
        var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), 0x7c00);
        return stream.ToArray();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
