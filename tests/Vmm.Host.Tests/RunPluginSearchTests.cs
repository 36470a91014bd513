using System.Text;
using Vmm.Host.Commands;
using Vmm.Host.Demo;
using Vmm.Host.Tests.Support;

namespace Vmm.Host.Tests;

/// <summary><c>vmm run</c> finds plugins where <c>vmm plugins</c> does: the default set always, plus what the user names.</summary>
public sealed class RunPluginSearchTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vmm-run-plugins-").FullName;

    [Fact]
    public void A_plugins_folder_keeps_the_default_devices_for_the_demo()
    {
        var (exitCode, stdout, stderr) = VmmProcess.Run("run", "--backend", "emulator", "--plugins", TestPluginFolders.Of("DocumentedOptionsPlugin"));

        Assert.True(exitCode == DemoGuest.ExpectedExitCode, stderr);
        Assert.Equal(DemoGuest.Greeting, Encoding.ASCII.GetString(stdout));
    }

    [Fact]
    public void Without_the_default_plugins_the_demo_devices_are_unknown()
    {
        var (exitCode, _, stderr) = VmmProcess.Run("run", "--backend", "emulator", "--no-default-plugins", "--plugins", TestPluginFolders.Of("DocumentedOptionsPlugin"));

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains("unknown device type \"uart16550\"", stderr);
    }

    [Fact]
    public void Config_plugin_folders_are_relative_to_the_config_file_and_add_to_the_default_set()
    {
        File.WriteAllBytes(Path.Combine(_folder, "guest.bin"), DemoGuest.Assemble());
        var plugins = Path.GetRelativePath(_folder, TestPluginFolders.Of("DocumentedOptionsPlugin")).Replace('\\', '/');
        File.WriteAllText(Path.Combine(_folder, "vm.json"), $$"""
            {
              "memory": "2M",
              "plugins": [ "{{plugins}}" ],
              "image": { "path": "guest.bin" },
              "devices": [
                { "type": "uart16550", "name": "com1", "console": "stdout" },
                { "type": "debug-exit" },
                { "type": "documented-port", "options": { "port": "0x600", "irq": 5 } }
              ]
            }
            """);

        var (exitCode, stdout, stderr) = VmmProcess.Run("run", "--backend", "emulator", Path.Combine(_folder, "vm.json"));

        Assert.True(exitCode == DemoGuest.ExpectedExitCode, stderr);
        Assert.Equal(DemoGuest.Greeting, Encoding.ASCII.GetString(stdout));
    }

    [Fact]
    public void A_missing_config_plugin_folder_names_the_file_and_the_entry()
    {
        var config = Path.Combine(_folder, "vm.json");
        File.WriteAllText(config, """{ "plugins": [ "my-plugins" ] }""");
        var error = new StringWriter();

        var exitCode = RunCommand.Execute(new RunOptions(new FileInfo(config), [], null, null, "emulator", false, false), error);

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Equal($"vmm: {config}: plugins[0]: plugin folder '{Path.Combine(_folder, "my-plugins")}' does not exist; "
            + "plugin folders there are relative to the config file", error.ToString().TrimEnd());
    }

    [Fact]
    public void A_missing_VMM_PLUGIN_PATH_folder_names_the_variable()
    {
        var missing = Path.Combine(_folder, "gone");

        var (exitCode, _, stderr) = VmmProcess.Run(new Dictionary<string, string?> { ["VMM_PLUGIN_PATH"] = missing }, "run", "--backend", "emulator");

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Equal($"vmm: VMM_PLUGIN_PATH: plugin folder '{missing}' does not exist; fix or unset VMM_PLUGIN_PATH", stderr.TrimEnd());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
