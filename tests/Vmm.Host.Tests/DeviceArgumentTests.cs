using Vmm.Core;
using Vmm.Host.Configuration;
using Vmm.Host.Demo;
using Vmm.Host.Tests.Support;

namespace Vmm.Host.Tests;

public sealed class DeviceArgumentTests
{
    [Fact]
    public void Qemu_style_device_text_gives_the_type_name_console_and_options()
    {
        var device = DeviceArgument.Parse("debug-exit,id=exit,port=0xf4,width=4,console=none");

        Assert.Equal("debug-exit", device.Type);
        Assert.Equal("exit", device.Name);
        Assert.Equal("none", device.Console);
        Assert.Equal("0xf4", device.OptionsSection!["port"]);
        Assert.Equal("4", device.OptionsSection["width"]);
        Assert.Null(device.OptionsSection["id"]);
    }

    [Fact]
    public void A_doubled_comma_is_a_comma_in_the_value()
    {
        var device = DeviceArgument.Parse("fw-cfg,label=a,,b");

        Assert.Equal("a,b", device.OptionsSection!["label"]);
    }

    [Theory]
    [InlineData("", "the device type comes first")]
    [InlineData("port=0xf4", "the device type comes first")]
    [InlineData("debug-exit,port", "'port' is not key=value")]
    [InlineData("debug-exit,port=1,PORT=2", "'PORT' is given twice")]
    public void Malformed_text_is_one_line_naming_the_argument(string text, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => DeviceArgument.Parse(text));

        Assert.Contains($"--device '{text}'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Devices_from_the_command_line_run_on_an_empty_machine()
    {
        // The demo brings its debug-exit port; the machine is empty, so the greeting needs the UART given here.
        var (exitCode, stdout, stderr) = VmmProcess.Run(
            "run", "--backend", "emulator", "--machine", "none", "--device", "uart16550,name=com1,console=stdout,port=0x3f8,irq=4");

        Assert.True(exitCode == DemoGuest.ExpectedExitCode, stderr);
        Assert.Equal(DemoGuest.Greeting, System.Text.Encoding.ASCII.GetString(stdout));
    }

    [Fact]
    public void A_bad_option_of_a_command_line_device_names_the_argument()
    {
        var (exitCode, _, stderr) = VmmProcess.Run("run", "--backend", "emulator", "--device", "debug-exit,port=0x501,colour=red");

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains("--device 'debug-exit,port=0x501,colour=red'", stderr);
        Assert.Contains("colour", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
