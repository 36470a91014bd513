using Iced.Intel;
using Vmm.Host.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Host.Tests;

/// <summary>A vm.json image entered in 32-bit protected or 64-bit long mode, on each backend.</summary>
public sealed class ImageModeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vmm-mode-").FullName;

    [Theory]
    [InlineData("protected32", 32, "emulator")]
    [InlineData("long64", 64, "emulator")]
    [InlineData("protected32", 32, "kvm")]
    [InlineData("long64", 64, "kvm")]
    public void An_image_runs_in_the_mode_the_config_names(string mode, int bitness, string backend)
    {
        if (backend == "kvm")
            KvmRequirement.RequireOrSkip();
        File.WriteAllBytes(Path.Combine(_folder, "guest.bin"), AssembleReporter(bitness, 0x100000));
        File.WriteAllText(Path.Combine(_folder, "vm.json"), $$"""
            {
              "memory": "4M",
              "image": { "path": "guest.bin", "address": "0x100000", "mode": "{{mode}}" },
              "devices": [
                { "type": "uart16550", "name": "com1", "console": "stdout" },
                { "type": "debug-exit", "options": { "port": "0x501" } }
              ]
            }
            """);

        var (exitCode, stdout, stderr) = VmmProcess.Run("run", Path.Combine(_folder, "vm.json"), "--backend", backend);

        // The guest prints its operand size in bits, which only the named mode gives: 0x20 in 32-bit code, 0x40 in 64-bit.
        Assert.True(exitCode == ((bitness / 8) << 1 | 1), $"exit {exitCode}: {stderr}");
        Assert.Equal(bitness == 32 ? "32" : "64", System.Text.Encoding.ASCII.GetString(stdout));
    }

    [Fact]
    public void An_unknown_mode_is_one_line_naming_the_value()
    {
        File.WriteAllBytes(Path.Combine(_folder, "guest.bin"), [0xf4]);
        File.WriteAllText(Path.Combine(_folder, "vm.json"), """{ "image": { "path": "guest.bin", "mode": "protected16" } }""");

        var (exitCode, _, stderr) = VmmProcess.Run("run", Path.Combine(_folder, "vm.json"));

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains("protected16", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    /// <summary>
    /// Prints "32" or "64" on COM1 and exits with the default operand size in bytes. A mode mix-up shows: 16-bit code
    /// decoding these bytes computes other values, and 32-bit code cannot execute the REX-prefixed 64-bit form.
    /// </summary>
    private static byte[] AssembleReporter(int bitness, ulong address)
    {
        var asm = new Assembler(bitness);
        var wrong = asm.CreateLabel();
        if (bitness == 64)
        {
            asm.mov(rax, 0x8877665544332211);   // only representable in 64-bit mode
            asm.shr(rax, 56);                   // 0x88 when all 64 bits were loaded
            asm.cmp(al, 0x88);
        }
        else
        {
            asm.mov(eax, 0x44332211);
            asm.shr(eax, 24);
            asm.cmp(al, 0x44);
        }
        asm.jne(wrong);
        Print(asm, bitness.ToString(System.Globalization.CultureInfo.InvariantCulture));
        asm.mov(dx, 0x501);
        asm.mov(al, (byte)(bitness / 8));
        asm.@out(dx, al);
        asm.Label(ref wrong);
        asm.hlt();
        using var stream = new MemoryStream();
        asm.Assemble(new StreamCodeWriter(stream), address);
        return stream.ToArray();
    }

    private static void Print(Assembler asm, string text)
    {
        asm.mov(dx, 0x3f8);
        foreach (var c in text)
        {
            asm.mov(al, (byte)c);
            asm.@out(dx, al);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
