using Microsoft.Extensions.DependencyInjection;
using Vmm.Core.Plugins;
using Vmm.Sdk;

namespace Vmm.Core.Tests.Plugins;

public class LoadedPluginTests
{
    [Fact]
    public void FromType_names_the_plugin_after_its_assembly_and_gives_it_no_folder()
    {
        var plugin = LoadedPlugin.FromType<TwoPortsPlugin>();

        Assert.Equal("Vmm.Core.Tests", plugin.Name);
        Assert.Null(plugin.Folder);
        Assert.IsType<TwoPortsPlugin>(plugin.Entry);
        Assert.Equal(typeof(IVmmPlugin).Assembly.GetName().Version, plugin.SdkVersion);
        Assert.False(string.IsNullOrEmpty(plugin.Version));
    }

    [Fact]
    public void Device_types_are_collected_in_registration_order()
    {
        var plugin = LoadedPlugin.FromEntry(new TwoPortsPlugin());

        Assert.Equal(["port-a", "port-b"], plugin.DeviceTypes.Select(type => type.Name));
    }

    [Fact]
    public void Services_other_than_device_types_are_not_device_types()
    {
        var plugin = LoadedPlugin.FromType<MiddlewareOnlyPlugin>();

        Assert.Empty(plugin.DeviceTypes);
    }

    [Fact]
    public void ConfigureServices_that_throws_is_refused_naming_the_plugin()
    {
        var error = Assert.Throws<PluginLoadException>(() => LoadedPlugin.FromType<BrokenRegistrationPlugin>());

        Assert.Equal("plugin 'Vmm.Core.Tests' (in-process): "
            + $"{typeof(BrokenRegistrationPlugin).FullName}.ConfigureServices threw ArgumentException: bad port; "
            + "fix the plugin's registrations", error.Message);
        Assert.IsType<ArgumentException>(error.InnerException);
    }

    [Fact]
    public void Dependency_missing_at_registration_is_refused_as_a_load_failure()
    {
        var error = Assert.Throws<PluginLoadException>(() => LoadedPlugin.FromType<MissingDependencyPlugin>());

        Assert.Equal("plugin 'Vmm.Core.Tests' (in-process) failed to load: FileNotFoundException: Could not load file or assembly 'Gone'; "
            + "republish the plugin folder with all its dependencies", error.Message);
    }

    [Fact]
    public void FromType_constructor_that_throws_is_refused_naming_the_entry_point()
    {
        var error = Assert.Throws<PluginLoadException>(() => LoadedPlugin.FromType<ThrowingConstructorPlugin>());

        Assert.Equal("plugin 'Vmm.Core.Tests' (in-process): the constructor of entry point "
            + $"{typeof(ThrowingConstructorPlugin).FullName} threw InvalidOperationException: no license; "
            + "fix the plugin or what its constructor depends on", error.Message);
    }

    public sealed class TwoPortsPlugin : IVmmPlugin
    {
        public void ConfigureServices(IServiceCollection services) => services
            .AddDeviceType<IdDevice, PortOptions>("port-a", "A", static (options, resources) => resources.AddPorts(options.Port, 1))
            .AddDeviceType<IdDevice, PortOptions>("port-b", "B", static (options, resources) => resources.AddPorts(options.Port + 1, 1));
    }

    public sealed class MiddlewareOnlyPlugin : IVmmPlugin
    {
        public void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<IExitMiddleware, PassThroughMiddleware>();
    }

    public sealed class BrokenRegistrationPlugin : IVmmPlugin
    {
        public void ConfigureServices(IServiceCollection services) => throw new ArgumentException("bad port");
    }

    // What the runtime throws when ConfigureServices touches a type whose assembly is not in the plugin folder.
    public sealed class MissingDependencyPlugin : IVmmPlugin
    {
        public void ConfigureServices(IServiceCollection services) => throw new FileNotFoundException("Could not load file or assembly 'Gone'.");
    }

    public sealed class ThrowingConstructorPlugin : IVmmPlugin
    {
        public ThrowingConstructorPlugin() => throw new InvalidOperationException("no license");

        public void ConfigureServices(IServiceCollection services) { }
    }

    public sealed class PassThroughMiddleware : IExitMiddleware
    {
        public ExitHandler Wrap(ExitHandler next) => next;
    }

    public sealed class PortOptions
    {
        public ulong Port { get; set; } = 0x80;
    }

    // Firecracker's IdDevice: answers every read with its id, so a test can tell which device got an access.
    public sealed class IdDevice : IBusDevice
    {
        public byte Id { get; init; } = 0x42;

        public void Read(in BusAccess access, Span<byte> data) => data.Fill(Id);

        public void Write(in BusAccess access, ReadOnlySpan<byte> data) { }
    }
}
