using System.Buffers.Binary;
using System.Text;
using Iced.Intel;
using Vmm.Host.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Host.Tests;

/// <summary><c>vmm run --kernel FILE --cmdline S --module F</c> and the config's <c>"kernel"</c>, as QEMU's -kernel, -append and -initrd.</summary>
public sealed class KernelFlagTests : IDisposable
{
    private const uint LoadAddress = 0x100000;
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("emulator")]
    [InlineData("kvm")]
    public void A_multiboot_kernel_sees_its_command_line_and_module(string backend)
    {
        if (backend == "kvm")
            KvmRequirement.RequireOrSkip();
        var kernel = WriteEchoKernel();
        var module = _folder.File("mod.txt");
        File.WriteAllText(module, "module bytes");

        var (exitCode, stdout, stderr) = VmmProcess.Run("run", "--kernel", kernel, "--cmdline", "probe=1 hello", "--module", $"{module} arg=2",
            "--memory", "16M", "--backend", backend, "--device", "debug-exit,port=0xf4,width=4");

        // As under QEMU and GRUB, the kernel's command line starts with its file name, and a module's string is its whole entry.
        Assert.True(exitCode == (0x2A << 1 | 1), $"exit {exitCode}: {stderr}");
        Assert.Equal($"{kernel} probe=1 hello|{module} arg=2|module bytes", Encoding.ASCII.GetString(stdout));
    }

    [Fact]
    public void The_config_kernel_resolves_files_beside_the_config_and_initrd_lists_modules_as_qemu_does()
    {
        WriteEchoKernel();
        File.WriteAllText(_folder.File("a.txt"), "AAA");
        File.WriteAllText(_folder.File("vm.json"), """
            {
              "memory": "16M",
              "kernel": { "path": "echo.bin", "cmdline": "from=config", "modules": [ "a.txt first" ] },
              "devices": [ { "type": "debug-exit", "options": { "port": "0xf4", "width": 4 } } ]
            }
            """);

        var (exitCode, stdout, stderr) = VmmProcess.Run("run", _folder.File("vm.json"), "--backend", "emulator");

        Assert.True(exitCode == (0x2A << 1 | 1), $"exit {exitCode}: {stderr}");
        Assert.Equal("echo.bin from=config|a.txt first|AAA", Encoding.ASCII.GetString(stdout));

        var module = _folder.File("a.txt");
        (exitCode, stdout, stderr) = VmmProcess.Run("run", _folder.File("vm.json"), "--backend", "emulator", "--append", "from=flag", "--initrd", $"{module} x,{module} y");

        // Flags replace the config's command line and modules; the kernel stays the config's.
        Assert.True(exitCode == (0x2A << 1 | 1), $"exit {exitCode}: {stderr}");
        Assert.Equal($"echo.bin from=flag|{module} x|AAA", Encoding.ASCII.GetString(stdout));
    }

    [Fact]
    public void Kernel_flag_and_config_image_are_mutually_exclusive()
    {
        WriteEchoKernel();
        File.WriteAllText(_folder.File("vm.json"), """{ "image": { "path": "echo.bin" } }""");

        AssertOneLineError("--kernel and the \"image\" in", "run", _folder.File("vm.json"), "--kernel", _folder.File("echo.bin"));
    }

    [Fact]
    public void Config_image_and_kernel_are_mutually_exclusive()
    {
        File.WriteAllText(_folder.File("vm.json"), """{ "image": { "path": "a" }, "kernel": { "path": "b" } }""");

        AssertOneLineError("\"image\" and \"kernel\" are mutually exclusive", "run", _folder.File("vm.json"));
    }

    [Theory]
    [InlineData("--cmdline", "x")]
    [InlineData("--module", "m.bin")]
    [InlineData("--initrd", "m.bin")]
    public void Kernel_arguments_without_a_kernel_are_an_error(string flag, string value) =>
        AssertOneLineError($"{flag} needs a kernel: give --kernel FILE", "run", flag, value, "--backend", "emulator");

    [Fact]
    public void A_file_of_no_known_protocol_names_the_supported_ones()
    {
        File.WriteAllBytes(_folder.File("bzImage"), new byte[10000]);

        AssertOneLineError("supported protocols: multiboot (v1)", "run", "--kernel", _folder.File("bzImage"), "--backend", "emulator");
    }

    [Fact]
    public void A_truncated_kernel_is_one_line_naming_it()
    {
        var kernel = WriteEchoKernel();
        File.WriteAllBytes(kernel, File.ReadAllBytes(kernel)[..20]);

        AssertOneLineError($"kernel {kernel}: the multiboot header at offset 0x0 is truncated", "run", "--kernel", kernel, "--backend", "emulator");
    }

    [Fact]
    public void A_missing_module_is_one_line_naming_it() =>
        AssertOneLineError("module nope.bin: ", "run", "--kernel", WriteEchoKernel(), "--module", "nope.bin", "--backend", "emulator");

    [Fact]
    public void An_unknown_kernel_setting_is_named()
    {
        File.WriteAllText(_folder.File("vm.json"), """{ "kernel": { "path": "k", "append": "x" } }""");

        AssertOneLineError("append", "run", _folder.File("vm.json"));
    }

    private static void AssertOneLineError(string expected, params string[] args)
    {
        var (exitCode, _, stderr) = VmmProcess.Run(args);
        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains(expected, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    /// <summary>
    /// A flat multiboot kernel (header with flag 16, loaded at 1 MiB) that checks EAX, prints its command line,
    /// '|', its first module's string, '|', the module's bytes on COM1, and writes 0x2A to debug-exit port 0xf4.
    /// </summary>
    private string WriteEchoKernel()
    {
        var asm = new Assembler(32);
        var wrong = asm.CreateLabel();
        asm.cmp(eax, 0x2BADB002);
        asm.jne(wrong);
        asm.mov(esi, __dword_ptr[ebx + 16]);
        PrintString(asm);
        PrintChar(asm, '|');
        asm.mov(edi, __dword_ptr[ebx + 24]);
        asm.mov(esi, __dword_ptr[edi + 8]);
        PrintString(asm);
        PrintChar(asm, '|');
        // The module's bytes, from mod_start to mod_end.
        asm.mov(esi, __dword_ptr[edi]);
        asm.mov(ecx, __dword_ptr[edi + 4]);
        var next = asm.CreateLabel();
        var done = asm.CreateLabel();
        asm.Label(ref next);
        asm.cmp(esi, ecx);
        asm.jae(done);
        asm.mov(al, __byte_ptr[esi]);
        asm.mov(dx, 0x3f8);
        asm.@out(dx, al);
        asm.inc(esi);
        asm.jmp(next);
        asm.Label(ref done);
        asm.mov(dx, 0xf4);
        asm.mov(eax, 0x2A);
        asm.@out(dx, eax);
        asm.Label(ref wrong);
        asm.hlt();
        using var stream = new MemoryStream();
        asm.Assemble(new StreamCodeWriter(stream), LoadAddress + 32);

        var header = new byte[32];
        const uint flags = 1u << 16;
        uint[] fields = [0x1BADB002, flags, unchecked(0u - 0x1BADB002 - flags), LoadAddress, LoadAddress, 0, 0, LoadAddress + 32];
        for (var i = 0; i < fields.Length; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4 * i), fields[i]);
        var path = _folder.File("echo.bin");
        File.WriteAllBytes(path, [.. header, .. stream.ToArray()]);
        return path;
    }

    private static void PrintString(Assembler asm)
    {
        var next = asm.CreateLabel();
        var done = asm.CreateLabel();
        asm.Label(ref next);
        asm.mov(al, __byte_ptr[esi]);
        asm.test(al, al);
        asm.je(done);
        asm.mov(dx, 0x3f8);
        asm.@out(dx, al);
        asm.inc(esi);
        asm.jmp(next);
        asm.Label(ref done);
    }

    private static void PrintChar(Assembler asm, char c)
    {
        asm.mov(dx, 0x3f8);
        asm.mov(al, (byte)c);
        asm.@out(dx, al);
    }
}
