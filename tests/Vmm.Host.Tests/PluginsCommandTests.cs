using System.Text;
using Vmm.Host.Tests.Support;

namespace Vmm.Host.Tests;

public class PluginsCommandTests
{
    [Fact]
    public void Lists_the_default_device_types_with_their_options_and_defaults()
    {
        var (exitCode, stdout, stderr) = VmmProcess.Run("plugins");
        var text = Encoding.UTF8.GetString(stdout);

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("uart16550:", text);
        Assert.Contains("debug-exit:", text);
        Assert.Matches(@"Port \(\w+\) = 0x3f8", text);
        Assert.Matches(@"Port \(\w+\) = 0x501", text);
        Assert.Matches(@"Irq \(Int32\) = 4", text);
    }

    [Fact]
    public void A_missing_plugin_folder_is_one_clear_line_and_exit_code_1()
    {
        var (exitCode, _, stderr) = VmmProcess.Run("plugins", "--plugins", "/nonexistent/plugins");

        Assert.Equal(ExitCodes.Error, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("/nonexistent/plugins", line);
    }
}
