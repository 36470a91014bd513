using Vmm.Host.Commands;
using Vmm.Host.Tests.Support;

namespace Vmm.Host.Tests;

public sealed class ConfigErrorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vmm-config-").FullName;

    private (int ExitCode, string Error) RunConfig(string json)
    {
        var path = Path.Combine(_folder, "vm.json");
        File.WriteAllText(path, json);
        var error = new StringWriter();
        var exitCode = RunCommand.Execute(new RunOptions(new FileInfo(path), [], null, null, "auto", false, false), error);
        return (exitCode, error.ToString().TrimEnd());
    }

    [Fact]
    public void A_missing_config_file_is_named()
    {
        var error = new StringWriter();
        var exitCode = RunCommand.Execute(new RunOptions(new FileInfo(Path.Combine(_folder, "nope.json")), [], null, null, "auto", false, false), error);

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains("nope.json: no such file", error.ToString());
    }

    [Fact]
    public void Malformed_json_is_one_line_naming_the_file()
    {
        var (exitCode, error) = RunConfig("{ \"memory\": ");

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.StartsWith($"vmm: {Path.Combine(_folder, "vm.json")}:", error);
        Assert.Contains("LineNumber", error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void An_unknown_top_level_setting_is_named()
    {
        var (exitCode, error) = RunConfig("""{ "memroy": "64M" }""");

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains("unknown setting \"memroy\"", error);
    }

    [Fact]
    public void A_bad_memory_size_is_named()
    {
        KvmRequirement.RequireOrSkip();

        var (exitCode, error) = RunConfig("""{ "memory": "lots" }""");

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains("vm.json: memory: \"lots\" is not a size", error);
    }

    [Fact]
    public void An_unknown_device_type_lists_the_known_ones()
    {
        KvmRequirement.RequireOrSkip();

        var (exitCode, error) = RunConfig("""{ "devices": [ { "type": "uart8250" } ] }""");

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains("devices[0]", error);
        Assert.Contains("unknown device type \"uart8250\"", error);
        Assert.Contains("uart16550", error);
    }

    [Fact]
    public void Overlapping_devices_are_an_error_naming_both()
    {
        KvmRequirement.RequireOrSkip();

        var (exitCode, error) = RunConfig("""
            { "devices": [
                { "type": "uart16550", "name": "com1", "options": { "port": "0x3f8" } },
                { "type": "uart16550", "name": "com2", "options": { "port": "0x3fc" } } ] }
            """);

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains("\"com2\"", error);
        Assert.Contains("\"com1\"", error);
        Assert.Contains("overlaps", error);
    }

    [Fact]
    public void A_misspelled_device_option_is_named_with_the_valid_ones()
    {
        KvmRequirement.RequireOrSkip();

        var (exitCode, error) = RunConfig("""{ "devices": [ { "type": "uart16550", "options": { "prot": "0x3f8" } } ] }""");

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains("devices[0]", error);
        Assert.Contains("prot", error);
        Assert.Contains("Port", error);
    }

    [Fact]
    public void A_missing_image_is_named()
    {
        KvmRequirement.RequireOrSkip();

        var (exitCode, error) = RunConfig("""{ "image": { "path": "missing.bin" } }""");

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains("missing.bin", error);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
