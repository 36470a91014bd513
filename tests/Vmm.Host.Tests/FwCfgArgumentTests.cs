using System.Text;
using Iced.Intel;
using Vmm.Core;
using Vmm.Host.Configuration;
using Vmm.Host.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Host.Tests;

/// <summary><c>vmm run --fw-cfg</c>: QEMU's <c>-fw_cfg</c> syntax, its errors, and a guest reading the file.</summary>
public sealed class FwCfgArgumentTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vmm-fwcfg-").FullName;

    [Theory]
    [InlineData("opt/org.example/mode,string=test")]
    [InlineData("name=opt/org.example/mode,string=test")]
    public void A_string_file_has_the_name_the_text_and_the_argument_as_source(string text)
    {
        var file = FwCfgArgument.Parse(text);

        Assert.Equal("opt/org.example/mode", file.Name);
        Assert.Equal("test"u8.ToArray(), file.Contents.ToArray());
        Assert.Equal($"--fw-cfg '{text}'", file.Source);
    }

    [Fact]
    public void A_doubled_comma_is_a_comma_in_the_string()
    {
        Assert.Equal("a,b"u8.ToArray(), FwCfgArgument.Parse("opt/x,string=a,,b").Contents.ToArray());
    }

    [Fact]
    public void A_file_entry_takes_the_bytes_of_the_host_file()
    {
        var path = Path.Combine(_folder, "blob.bin");
        File.WriteAllBytes(path, [1, 2, 3, 0]);

        Assert.Equal(new byte[] { 1, 2, 3, 0 }, FwCfgArgument.Parse($"opt/blob,file={path}").Contents.ToArray());
    }

    [Theory]
    [InlineData("", "the file's name comes first")]
    [InlineData("string=x", "the file's name comes first")]
    [InlineData("opt/x", "give either string= or file=, not neither")]
    [InlineData("opt/x,string=a,file=b", "give either string= or file=, not both")]
    [InlineData("opt/x,size=3", "'size=3' is not name=, string= or file=")]
    [InlineData("opt/x,gen_id=g", "gen_id (QEMU's generated items) is not supported")]
    [InlineData("opt/x,string=a,string=b", "string is given twice")]
    [InlineData("opt/a-name-of-fifty-six-bytes-which-is-one-more-than-55x,string=a", "is 56 bytes; fw_cfg allows at most 55")]
    [InlineData("opt/x,file=/nonexistent/blob.bin", "cannot read file \"/nonexistent/blob.bin\"")]
    public void A_bad_argument_is_one_line_naming_it(string text, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => FwCfgArgument.Parse(text));

        Assert.StartsWith($"--fw-cfg '{text}': ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void The_same_name_twice_on_the_command_line_names_both_arguments()
    {
        var error = Assert.Throws<ConfigurationException>(() => FwCfgArgument.ParseAll(["opt/x,string=a", "opt/y,string=b", "opt/x,string=c"]));

        Assert.Equal("--fw-cfg 'opt/x,string=c': fw_cfg file \"opt/x\" is already given by --fw-cfg 'opt/x,string=a'; give each file one name", error.Message);
    }

    [Theory]
    [InlineData("emulator")]
    [InlineData("kvm")]
    public void A_guest_finds_a_command_line_file_through_the_directory_and_reads_it(string backend)
    {
        if (backend == "kvm")
            KvmRequirement.RequireOrSkip();
        WriteGuestConfig("""{ "type": "fw-cfg" }""");

        var (exitCode, _, stderr) = VmmProcess.Run("run", Path.Combine(_folder, "vm.json"), "--machine", "none", "--backend", backend,
            "--fw-cfg", "opt/org.example/answer,string=*");

        Assert.True(exitCode == (('*' << 1) | 1), $"exit {exitCode}: {stderr}");
    }

    [Fact]
    public void A_command_line_file_clashing_with_a_config_file_is_one_line_naming_both()
    {
        WriteGuestConfig("""{ "type": "fw-cfg", "options": { "files": [ { "name": "opt/x", "string": "config" } ] } }""");

        var (exitCode, _, stderr) = VmmProcess.Run("run", Path.Combine(_folder, "vm.json"), "--machine", "none", "--fw-cfg", "opt/x,string=flag");

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains("fw_cfg file \"opt/x\" is given twice: by --fw-cfg 'opt/x,string=flag' and by fw-cfg option files[0]", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Files_without_a_fw_cfg_device_are_an_error_not_dropped()
    {
        WriteGuestConfig(device: null);

        var (exitCode, _, stderr) = VmmProcess.Run("run", Path.Combine(_folder, "vm.json"), "--machine", "none", "--fw-cfg", "opt/x,string=lost");

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains("--fw-cfg 'opt/x,string=lost' \"opt/x\": no device in the VM publishes firmware files", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void A_missing_file_is_one_line()
    {
        WriteGuestConfig("""{ "type": "fw-cfg" }""");

        var (exitCode, _, stderr) = VmmProcess.Run("run", Path.Combine(_folder, "vm.json"), "--machine", "none", "--fw-cfg", "opt/x,file=missing.bin");

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.StartsWith("vmm: --fw-cfg 'opt/x,file=missing.bin': cannot read file \"missing.bin\": ", stderr.Trim());
        Assert.Single(stderr.Trim().Split('\n'));
    }

    /// <summary>A real-mode guest at 0x7c00 that reads the first directory entry's selector, selects it and exits with the file's first byte.</summary>
    private void WriteGuestConfig(string? device)
    {
        var asm = new Assembler(16);
        var skip = asm.CreateLabel();
        asm.mov(dx, 0x510);
        asm.mov(ax, 0x19);              // FW_CFG_FILE_DIR
        asm.@out(dx, ax);
        asm.inc(dx);
        asm.mov(cx, 8);                 // the big-endian count, then the first entry's size
        asm.Label(ref skip);
        asm.@in(al, dx);
        asm.loop(skip);
        asm.@in(al, dx);                // its selector, big-endian
        asm.mov(ah, al);
        asm.@in(al, dx);
        asm.dec(dx);
        asm.@out(dx, ax);               // select the file
        asm.inc(dx);
        asm.@in(al, dx);                // its first byte
        asm.mov(dx, 0x501);
        asm.@out(dx, al);
        asm.hlt();
        using var stream = new MemoryStream();
        asm.Assemble(new StreamCodeWriter(stream), 0x7c00);
        File.WriteAllBytes(Path.Combine(_folder, "guest.bin"), stream.ToArray());
        File.WriteAllText(Path.Combine(_folder, "vm.json"), $$"""
            {
              "memory": "2M",
              "image": { "path": "guest.bin" },
              "devices": [ {{(device is null ? "" : device + ",")}} { "type": "debug-exit", "options": { "port": "0x501" } } ]
            }
            """);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
