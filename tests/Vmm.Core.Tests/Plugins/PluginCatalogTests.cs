using Microsoft.Extensions.DependencyInjection;
using Vmm.Core.Plugins;
using Vmm.Sdk;

namespace Vmm.Core.Tests.Plugins;

public class PluginCatalogTests
{
    [Fact]
    public void Device_type_is_found_ignoring_case_with_the_plugin_that_offers_it()
    {
        var uart = LoadedPlugin.FromType<UartPlugin>();
        var catalog = new PluginCatalog([uart, LoadedPlugin.FromType<RtcPlugin>()]);

        Assert.True(catalog.TryGetDeviceType("UART16550", out var plugin, out var type));

        Assert.Same(uart, plugin);
        Assert.Equal("uart16550", type.Name);
    }

    [Fact]
    public void Unknown_device_type_is_not_found()
    {
        var catalog = new PluginCatalog([LoadedPlugin.FromType<UartPlugin>()]);

        Assert.False(catalog.TryGetDeviceType("virtio-net", out var plugin, out var type));
        Assert.Null(plugin);
        Assert.Null(type);
    }

    [Fact]
    public void Plugins_keep_the_order_given()
    {
        var rtc = LoadedPlugin.FromType<RtcPlugin>();
        var uart = LoadedPlugin.FromType<UartPlugin>();

        Assert.Equal([rtc, uart], new PluginCatalog([rtc, uart]).Plugins);
    }

    [Fact]
    public void Device_type_offered_by_two_plugin_folders_is_refused_naming_both()
    {
        var loader = new PluginLoader();
        var json = loader.Load(TestPluginFolders.Of("OldJsonPlugin"));
        var duplicate = loader.Load(TestPluginFolders.Of("DuplicateTypePlugin"));

        var error = Assert.Throws<PluginLoadException>(() => new PluginCatalog([json, duplicate]));

        Assert.Equal("device type 'JSON-Version' is offered by two plugins: "
            + $"'OldJsonPlugin' ({json.Folder}, as 'json-version') and 'DuplicateTypePlugin' ({duplicate.Folder}); "
            + "names ignore case: remove one of the plugins or rename its type", error.Message);
    }

    [Fact]
    public void Device_type_offered_twice_by_one_plugin_is_refused()
    {
        var error = Assert.Throws<PluginLoadException>(() => new PluginCatalog([LoadedPlugin.FromType<TwiceUartPlugin>()]));

        Assert.Equal("plugin 'Vmm.Core.Tests' (in-process) offers device type 'Uart16550' twice; register each name once", error.Message);
    }

    [Fact]
    public void Same_plugin_from_two_folders_is_refused_naming_both()
    {
        using var temp = new TempDirectory();
        var loader = new PluginLoader();
        var first = loader.Load(TestPluginFolders.Of("DependentPlugin"));
        var second = loader.Load(TestPluginFolders.CopyTo("DependentPlugin", temp.Path));

        var error = Assert.Throws<PluginLoadException>(() => new PluginCatalog([first, second]));

        Assert.Equal($"plugin 'DependentPlugin' is loaded twice, from {first.Folder} and from {second.Folder}; keep one of them", error.Message);
    }

    public sealed class UartPlugin : IVmmPlugin
    {
        public void ConfigureServices(IServiceCollection services) => services.AddUart("uart16550");
    }

    public sealed class TwiceUartPlugin : IVmmPlugin
    {
        public void ConfigureServices(IServiceCollection services) => services.AddUart("uart16550").AddUart("Uart16550");
    }

    public sealed class RtcPlugin : IVmmPlugin
    {
        public void ConfigureServices(IServiceCollection services) =>
            services.AddDeviceType<SilentDevice, PortOptions>("cmos-rtc", "CMOS RTC", static (options, resources) => resources.AddPorts(0x70, 2));
    }

    public sealed class PortOptions
    {
        public ulong Port { get; set; } = 0x3f8;
    }

    public sealed class SilentDevice : IBusDevice
    {
        public void Read(in BusAccess access, Span<byte> data) { }

        public void Write(in BusAccess access, ReadOnlySpan<byte> data) { }
    }
}

internal static class UartRegistration
{
    public static IServiceCollection AddUart(this IServiceCollection services, string name) =>
        services.AddDeviceType<PluginCatalogTests.SilentDevice, PluginCatalogTests.PortOptions>(name, "UART",
            static (options, resources) => resources.AddPorts(options.Port, 8));
}
