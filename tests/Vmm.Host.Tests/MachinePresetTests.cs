using Vmm.Core;
using Vmm.Host.Configuration;
using Vmm.Host.Demo;
using Vmm.Host.Tests.Support;

namespace Vmm.Host.Tests;

public sealed class MachinePresetTests
{
    [Fact]
    public void The_pc_machine_has_com1_on_the_console_at_qemus_address()
    {
        var com1 = Assert.Single(MachinePreset.Devices(MachinePreset.Pc), device => device.Name == "com1");

        Assert.Equal("uart16550", com1.Type);
        Assert.Equal("stdout", com1.Console);
        Assert.Equal("0x3f8", com1.OptionsSection!["port"]);
        Assert.Equal("4", com1.OptionsSection["irq"]);
    }

    [Fact]
    public void The_pc_machine_has_the_rtc_at_0x70_on_irq_8()
    {
        var rtc = Assert.Single(MachinePreset.Devices(MachinePreset.Pc), device => device.Name == "rtc");

        Assert.Equal("mc146818", rtc.Type);
        Assert.Equal("0x70", rtc.OptionsSection!["port"]);
        Assert.Equal("8", rtc.OptionsSection["irq"]);
    }

    [Fact]
    public void The_pc_machine_has_the_keyboard_controller_at_0x60_and_0x64()
    {
        var i8042 = Assert.Single(MachinePreset.Devices(MachinePreset.Pc), device => device.Type == "i8042");

        Assert.Equal("0x60", i8042.OptionsSection!["dataPort"]);
        Assert.Equal("0x64", i8042.OptionsSection["commandPort"]);
        Assert.Equal("1", i8042.OptionsSection["keyboardIrq"]);
        Assert.Equal("12", i8042.OptionsSection["auxIrq"]);
    }

    [Fact]
    public void The_pc_machine_has_fw_cfg_at_qemus_ports()
    {
        var fwCfg = Assert.Single(MachinePreset.Devices(MachinePreset.Pc), device => device.Type == "fw-cfg");

        Assert.Equal("0x510", fwCfg.OptionsSection!["port"]);
        Assert.Equal("0x514", fwCfg.OptionsSection["dmaPort"]);
    }

    [Fact]
    public void A_configured_device_named_like_a_machine_device_replaces_it_and_others_are_added()
    {
        var mine = new DeviceConfig { Type = "uart16550", Name = "COM1", Console = "file:serial.txt" };
        var extra = new DeviceConfig { Type = "debug-exit" };

        var devices = MachinePreset.Compose(MachinePreset.Pc, [mine, extra]);

        Assert.DoesNotContain(devices, device => device.Source == "machine pc: com1");
        Assert.Contains(mine, devices);
        Assert.Contains(extra, devices);
    }

    [Fact]
    public void The_none_machine_has_only_the_configured_devices()
    {
        var extra = new DeviceConfig { Type = "debug-exit" };

        Assert.Equal([extra], MachinePreset.Compose(MachinePreset.None, [extra]));
    }

    [Fact]
    public void An_unknown_machine_in_the_config_is_one_line_listing_the_known_ones()
    {
        var error = Assert.Throws<ConfigurationException>(() => MachinePreset.Devices("q35"));

        Assert.Contains("machine 'q35' is unknown; known: pc, none", error.Message);
    }

    [Fact]
    public void Without_a_console_device_of_its_own_a_config_gets_the_machines_com1()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllBytes(folder.File("guest.bin"), DemoGuest.Assemble());
        File.WriteAllText(folder.File("vm.json"), """
            { "image": { "path": "guest.bin" }, "devices": [ { "type": "debug-exit", "options": { "port": "0x501" } } ] }
            """);

        var (exitCode, stdout, stderr) = VmmProcess.Run("run", folder.File("vm.json"), "--backend", "emulator");

        Assert.True(exitCode == DemoGuest.ExpectedExitCode, stderr);
        Assert.Equal(DemoGuest.Greeting, System.Text.Encoding.ASCII.GetString(stdout));
    }
}
