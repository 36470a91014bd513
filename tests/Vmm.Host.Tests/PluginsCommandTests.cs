using System.Text;
using Vmm.Host.Commands;
using Vmm.Host.Tests.Support;

namespace Vmm.Host.Tests;

public sealed class PluginsCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vmm-plugins-").FullName;

    [Fact]
    public void Lists_the_default_plugins_with_their_sdk_device_types_claims_and_options()
    {
        var (exitCode, stdout, stderr) = VmmProcess.Run("plugins");

        Assert.True(exitCode == 0, stderr);
        Assert.Equal($"""
            Vmm.Devices.Cmos 0.1.0 (SDK 0.1.0) {TestPluginFolders.DefaultPlugin("Vmm.Devices.Cmos")}
              mc146818: MC146818 CMOS RTC: clock, alarm, periodic and update interrupts, 128 bytes of CMOS with the memory size
                claims (with defaults): port 0x70-0x71, irq 8
                options:
                  port: ushort = 0x70 — Index port; the data port is the next one (PC: 0x70, data 0x71).
                  irq: int = 8 — Interrupt line (GSI) of the RTC's periodic, alarm and update-ended interrupts (PC: 8).
                  base: string = "utc" — Start time: utc, localtime, or a date and time (2006-06-17T16:01:21), as QEMU's -rtc base=.
            Vmm.Devices.DebugExit 0.1.0 (SDK 0.1.0) {TestPluginFolders.DefaultPlugin("Vmm.Devices.DebugExit")}
              debug-exit: isa-debug-exit port: a guest write of v stops the VM with exit code (v << 1) | 1
                claims (with defaults): port 0x501
                options:
                  port: ushort = 0x501 — I/O port the guest writes its exit value to (QEMU isa-debug-exit iobase).
                  width: int = 1 — Ports claimed and bytes of a write that form the value: 1, 2 or 4 (QEMU isa-debug-exit iosize).
            Vmm.Devices.FwCfg 0.1.0 (SDK 0.1.0) {TestPluginFolders.DefaultPlugin("Vmm.Devices.FwCfg")}
              fw-cfg: QEMU fw_cfg: signature, ID, CPU count, RAM size and named files (config, plugins, --fw-cfg), with DMA
                claims (with defaults): port 0x510-0x511, port 0x514-0x51b
                options:
                  port: ushort = 0x510 — Selector port; the data port is the next one (x86: 0x510, data 0x511).
                  dmaPort: ushort = 0x514 — First of the 8 ports of the big-endian DMA address register (x86: 0x514); 0 leaves DMA out.
                  files: List<FwCfgFileOptions> = [] — Files for the directory: each a name and either string (its text) or file (a path to its bytes).
            Vmm.Devices.I8042 0.1.0 (SDK 0.1.0) {TestPluginFolders.DefaultPlugin("Vmm.Devices.I8042")}
              i8042: i8042 PS/2 keyboard controller: status, commands, a PS/2 keyboard, the reset line (command 0xFE)
                claims (with defaults): port 0x60, port 0x64, irq 1, irq 12
                options:
                  dataPort: ushort = 0x60 — Data port: output buffer on read, data for the controller or keyboard on write (PC 0x60).
                  commandPort: ushort = 0x64 — Status register on read, controller command on write (PC 0x64).
                  keyboardIrq: int = 1 — Interrupt line (GSI) of keyboard data (PC IRQ 1).
                  auxIrq: int = 12 — Interrupt line (GSI) of auxiliary (mouse) port data (PC IRQ 12).
            Vmm.Devices.Serial 0.1.0 (SDK 0.1.0) {TestPluginFolders.DefaultPlugin("Vmm.Devices.Serial")}
              uart16550: 16550A UART: FIFOs, interrupts, loopback, console output and input on 8 I/O ports
                claims (with defaults): port 0x3f8-0x3ff, irq 4
                options:
                  port: ushort = 0x3f8 — First of the 8 I/O ports the UART decodes (COM1 0x3f8, COM2 0x2f8).
                  irq: int = 4 — Interrupt line (GSI) of the UART (COM1 4, COM2 3).

            """.ReplaceLineEndings(), Encoding.UTF8.GetString(stdout));
    }

    [Fact]
    public void A_plugins_folder_adds_to_the_default_set()
    {
        var (exitCode, stdout, stderr) = VmmProcess.Run("plugins", "--plugins", TestPluginFolders.Of("DocumentedOptionsPlugin"));

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(["Vmm.Devices.Cmos", "Vmm.Devices.DebugExit", "Vmm.Devices.FwCfg", "Vmm.Devices.I8042", "Vmm.Devices.Serial", "DocumentedOptionsPlugin"], PluginNames(stdout));
    }

    [Fact]
    public void No_default_plugins_lists_only_the_folders_given()
    {
        var (exitCode, stdout, stderr) = VmmProcess.Run("plugins", "--no-default-plugins", "--plugins", TestPluginFolders.Of("DocumentedOptionsPlugin"));

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(["DocumentedOptionsPlugin"], PluginNames(stdout));
    }

    [Fact]
    public void VMM_PLUGIN_PATH_folders_are_searched_after_the_default_set()
    {
        var environment = new Dictionary<string, string?> { ["VMM_PLUGIN_PATH"] = $"{Path.PathSeparator}{TestPluginFolders.Of("DocumentedOptionsPlugin")}" };

        var (exitCode, stdout, stderr) = VmmProcess.Run(environment, "plugins");

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(["Vmm.Devices.Cmos", "Vmm.Devices.DebugExit", "Vmm.Devices.FwCfg", "Vmm.Devices.I8042", "Vmm.Devices.Serial", "DocumentedOptionsPlugin"], PluginNames(stdout));
    }

    [Fact]
    public void A_copy_of_a_default_plugin_clashes_with_it_and_the_error_points_at_no_default_plugins()
    {
        var copy = CopyDefaultPlugin("Vmm.Devices.Serial");

        var (exitCode, _, stderr) = VmmProcess.Run("plugins", "--plugins", copy);

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Equal($"vmm: plugin 'Vmm.Devices.Serial' is loaded twice, from {TestPluginFolders.DefaultPlugin("Vmm.Devices.Serial")} and from {copy}; "
            + "keep one of them, or pass --no-default-plugins to leave out the plugins beside vmm", stderr.TrimEnd());

        var (exitCodeWithout, stdout, stderrWithout) = VmmProcess.Run("plugins", "--plugins", copy, "--no-default-plugins");
        Assert.True(exitCodeWithout == 0, stderrWithout);
        Assert.Contains($"Vmm.Devices.Serial 0.1.0 (SDK 0.1.0) {copy}", Encoding.UTF8.GetString(stdout));
    }

    [Fact]
    public void A_missing_plugin_folder_is_one_clear_line_and_exit_code_1()
    {
        var (exitCode, _, stderr) = VmmProcess.Run("plugins", "--plugins", "/nonexistent/plugins");

        Assert.Equal(ExitCodes.Error, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("vmm: --plugins: plugin folder '/nonexistent/plugins' does not exist; check the path", line);
    }

    [Fact]
    public void No_plugins_at_all_says_where_to_name_one()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = PluginsCommand.Execute(new PluginSearch { IncludeDefault = false }, output, error);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Empty(output.ToString());
        Assert.Equal("vmm: no plugins found; name a plugin folder with --plugins or VMM_PLUGIN_PATH", error.ToString().TrimEnd());
    }

    private string CopyDefaultPlugin(string name)
    {
        var target = Directory.CreateDirectory(Path.Combine(_folder, name)).FullName;
        foreach (var file in Directory.EnumerateFiles(TestPluginFolders.DefaultPlugin(name)))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }

    private static string[] PluginNames(byte[] stdout) =>
        Encoding.UTF8.GetString(stdout).Split('\n').Where(line => line.Length > 0 && line[0] != ' ').Select(line => line.Split(' ')[0]).ToArray();

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
