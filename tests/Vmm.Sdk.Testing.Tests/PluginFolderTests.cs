using System.Runtime.Loader;

namespace Vmm.Sdk.Testing.Tests;

/// <summary>
/// The serial plugin published into this test's output (plugins/Vmm.Devices.Serial, by build/PublishPlugins.targets)
/// and loaded from there by the host's PluginLoader; this project never references it as an assembly.
/// </summary>
public sealed class PluginFolderTests
{
    private static readonly string SerialFolder = Path.Combine(AppContext.BaseDirectory, "plugins", "Vmm.Devices.Serial");

    [Fact]
    public void A_plugin_loaded_from_its_published_folder_serves_devices()
    {
        using var vm = TestVm.Create(b => b.AddPluginsFrom(SerialFolder).AddDevice("uart16550", "com1", new { Port = "0x3f8", Irq = 4 }));

        vm.Out8(0x3fb, 0x03);
        vm.Out8(0x3f8, (byte)'o');
        vm.Out8(0x3f8, (byte)'k');

        Assert.Equal("ok", vm.Console("com1").ReadOutputText());
        Assert.Equal(0x60, vm.In8(0x3fd) & 0x60);
        var device = vm.Slot("com1").Device;
        Assert.Equal("Vmm.Devices.Serial.Uart16550", device.GetType().FullName);
        Assert.NotSame(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(device.GetType().Assembly));
    }

    [Fact]
    public void A_folder_of_plugin_folders_loads_each_and_is_loaded_once_per_process()
    {
        using var first = TestVm.Create(b => b.AddPluginsFrom(Path.GetDirectoryName(SerialFolder)!).AddDevice("uart16550"));
        using var second = TestVm.Create(b => b.AddPluginsFrom(Path.GetDirectoryName(SerialFolder)!).AddDevice("uart16550"));

        Assert.Same(first.Slot("uart16550").Device.GetType(), second.Slot("uart16550").Device.GetType());
    }

    [Fact]
    public void Device_names_the_actual_type_when_the_cast_fails()
    {
        using var vm = TestVm.Create(b => b.AddPluginsFrom(SerialFolder).AddDevice("uart16550", "com1"));

        var error = Assert.Throws<InvalidCastException>(() => vm.Device<Stream>("com1"));

        Assert.Contains("Vmm.Devices.Serial.Uart16550", error.Message);
    }

    [Fact]
    public void A_missing_plugin_folder_is_the_loaders_error()
    {
        var error = Assert.Throws<Vmm.Core.Plugins.PluginLoadException>(() =>
            TestVm.Create(b => b.AddPluginsFrom(Path.Combine(AppContext.BaseDirectory, "plugins", "NoSuchPlugin"))));

        Assert.Contains("NoSuchPlugin", error.Message);
    }
}
