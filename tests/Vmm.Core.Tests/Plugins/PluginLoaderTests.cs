using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Vmm.Core.Plugins;
using Vmm.Sdk;

namespace Vmm.Core.Tests.Plugins;

public class PluginLoaderTests
{
    private readonly PluginLoader _loader = new();

    [Fact]
    public void Plugin_gets_its_own_Newtonsoft_12_while_the_host_keeps_13()
    {
        var plugin = _loader.Load(TestPluginFolders.Of("OldJsonPlugin"));

        var device = CreateDevice(Assert.Single(plugin.DeviceTypes));
        var answer = new byte[64];
        device.Read(new BusAccess(0x510, 0, 0, 0), answer);

        // The plugin serialised this with its own Newtonsoft; the host parses it with its own.
        var json = JObject.Parse(Encoding.UTF8.GetString(answer).TrimEnd('\0'));
        Assert.StartsWith("12.0.", (string?)json["newtonsoft"]);
        Assert.Equal(13, typeof(JsonConvert).Assembly.GetName().Version!.Major);
    }

    [Fact]
    public void Sdk_types_in_a_plugin_are_the_hosts_types()
    {
        var plugin = _loader.Load(TestPluginFolders.Of("OldJsonPlugin"));

        var pluginAssembly = plugin.Entry.GetType().Assembly;
        Assert.NotSame(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(pluginAssembly));
        Assert.Contains(typeof(IVmmPlugin), plugin.Entry.GetType().GetInterfaces());
        var type = Assert.Single(plugin.DeviceTypes);
        Assert.Same(typeof(DeviceType), type.GetType());
        Assert.Contains(typeof(IBusDevice), type.DeviceClass.GetInterfaces());
        Assert.Same(typeof(IVmmPlugin).Assembly,
            AssemblyLoadContext.GetLoadContext(pluginAssembly)!.LoadFromAssemblyName(new AssemblyName("Vmm.Sdk")));
    }

    [Fact]
    public void Loaded_plugin_reports_its_name_versions_folder_and_device_types()
    {
        var folder = TestPluginFolders.Of("OldJsonPlugin");

        var plugin = _loader.Load(folder);

        Assert.Equal("OldJsonPlugin", plugin.Name);
        Assert.StartsWith("0.1.0", plugin.Version);
        Assert.Equal(typeof(IVmmPlugin).Assembly.GetName().Version, plugin.SdkVersion);
        Assert.Equal(folder, plugin.Folder);
        Assert.Equal("json-version", Assert.Single(plugin.DeviceTypes).Name);
    }

    [Fact]
    public void Published_plugin_folder_carries_its_private_dependencies_but_not_the_sdk()
    {
        var folder = TestPluginFolders.Of("OldJsonPlugin");

        Assert.True(File.Exists(Path.Combine(folder, "Newtonsoft.Json.dll")));
        Assert.True(File.Exists(Path.Combine(folder, "OldJsonPlugin.deps.json")));
        Assert.False(File.Exists(Path.Combine(folder, "Vmm.Sdk.dll")));
    }

    [Fact]
    public void Missing_folder_is_refused_naming_the_plugin_and_path()
    {
        using var temp = new TempDirectory();
        var folder = temp.Combine("Vmm.Devices.Gone");

        var error = Assert.Throws<PluginLoadException>(() => _loader.Load(folder));

        Assert.Equal($"plugin 'Vmm.Devices.Gone': folder '{folder}' does not exist; "
            + "check the plugin path, or build the host so it publishes the plugin there", error.Message);
    }

    [Fact]
    public void Folder_without_the_plugin_dll_is_refused_naming_the_expected_file()
    {
        using var temp = new TempDirectory();
        var folder = Directory.CreateDirectory(temp.Combine("Vmm.Devices.Empty")).FullName;
        File.WriteAllText(Path.Combine(folder, "readme.txt"), "not a plugin");

        var error = Assert.Throws<PluginLoadException>(() => _loader.Load(folder));

        Assert.StartsWith($"plugin 'Vmm.Devices.Empty': folder '{folder}' has no Vmm.Devices.Empty.dll;", error.Message);
    }

    [Fact]
    public void Corrupt_dll_is_refused_as_not_an_assembly()
    {
        using var temp = new TempDirectory();
        var folder = Directory.CreateDirectory(temp.Combine("Corrupt")).FullName;
        var dll = Path.Combine(folder, "Corrupt.dll");
        File.WriteAllBytes(dll, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))]);

        var error = Assert.Throws<PluginLoadException>(() => _loader.Load(folder));

        Assert.StartsWith($"plugin 'Corrupt' ({dll}) is not a readable .NET assembly (BadImageFormatException:", error.Message);
        Assert.EndsWith("; rebuild and republish the plugin", error.Message);
        Assert.IsType<BadImageFormatException>(error.InnerException);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Missing_private_dependency_is_refused_naming_it()
    {
        using var temp = new TempDirectory();
        var folder = TestPluginFolders.CopyTo("DependentPlugin", temp.Path);
        File.Delete(Path.Combine(folder, "DependencyLibrary.dll"));

        var error = Assert.Throws<PluginLoadException>(() => _loader.Load(folder));

        Assert.StartsWith($"plugin 'DependentPlugin' ({Path.Combine(folder, "DependentPlugin.dll")}) failed to load: ", error.Message);
        Assert.Contains("DependencyLibrary", error.Message);
        Assert.EndsWith("; republish the plugin folder with all its dependencies", error.Message);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void Corrupt_deps_json_is_refused_as_a_load_failure()
    {
        using var temp = new TempDirectory();
        var folder = TestPluginFolders.CopyTo("OldJsonPlugin", temp.Path);
        File.WriteAllText(Path.Combine(folder, "OldJsonPlugin.deps.json"), "{ not json");

        var error = Assert.Throws<PluginLoadException>(() => _loader.Load(folder));

        Assert.StartsWith($"plugin 'OldJsonPlugin' ({Path.Combine(folder, "OldJsonPlugin.dll")}) failed to load: ", error.Message);
        Assert.EndsWith("; republish the plugin folder with all its dependencies", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Plugin_with_its_private_dependency_loads()
    {
        var plugin = _loader.Load(TestPluginFolders.Of("DependentPlugin"));

        Assert.Equal("zero", Assert.Single(plugin.DeviceTypes).Name);
    }

    [Fact]
    public void Plugin_without_entry_point_is_refused_naming_the_near_miss()
    {
        var folder = TestPluginFolders.Of("NoEntryPlugin");

        var error = Assert.Throws<PluginLoadException>(() => _loader.Load(folder));

        Assert.Equal($"plugin 'NoEntryPlugin' ({Path.Combine(folder, "NoEntryPlugin.dll")}) has no entry point "
            + "(NoEntryPlugin.NeedsArgumentPlugin: no public parameterless constructor); "
            + "add one public non-abstract class implementing Vmm.Sdk.IVmmPlugin with a public parameterless constructor", error.Message);
    }

    [Fact]
    public void Plugin_with_two_entry_points_is_refused_naming_both()
    {
        var folder = TestPluginFolders.Of("TwoEntriesPlugin");

        var error = Assert.Throws<PluginLoadException>(() => _loader.Load(folder));

        Assert.Equal($"plugin 'TwoEntriesPlugin' ({Path.Combine(folder, "TwoEntriesPlugin.dll")}) has 2 entry points "
            + "(TwoEntriesPlugin.FirstPlugin, TwoEntriesPlugin.SecondPlugin); "
            + "keep exactly one public class implementing Vmm.Sdk.IVmmPlugin", error.Message);
    }

    [Fact]
    public void Entry_point_constructor_that_throws_is_refused_with_its_message()
    {
        var folder = TestPluginFolders.Of("ThrowingPlugin");

        var error = Assert.Throws<PluginLoadException>(() => _loader.Load(folder));

        Assert.Equal($"plugin 'ThrowingPlugin' ({Path.Combine(folder, "ThrowingPlugin.dll")}): the constructor of entry point "
            + "ThrowingPlugin.ThrowingPlugin threw InvalidOperationException: license file not found; "
            + "fix the plugin or what its constructor depends on", error.Message);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    [Fact]
    public void Plugin_built_against_newer_logging_abstractions_is_refused_naming_both_versions()
    {
        var folder = TestPluginFolders.Of("NewerAbstractionsPlugin");
        var hostVersion = typeof(Microsoft.Extensions.Logging.ILogger).Assembly.GetName().Version;

        var error = Assert.Throws<PluginLoadException>(() => _loader.Load(folder));

        Assert.StartsWith($"plugin 'NewerAbstractionsPlugin' ({Path.Combine(folder, "NewerAbstractionsPlugin.dll")}) was built against ", error.Message);
        Assert.Contains($"Microsoft.Extensions.Logging.Abstractions 11.0.0.0 but the host has {hostVersion}", error.Message);
        Assert.Equal(new Version(10, 0, 0, 0), hostVersion);
        Assert.EndsWith("; rebuild the plugin against the host's SDK or update the host", error.Message);
    }

    [Fact]
    public void Refused_plugin_never_loads_its_assembly()
    {
        var folder = TestPluginFolders.Of("NewerAbstractionsPlugin");

        Assert.Throws<PluginLoadException>(() => _loader.Load(folder));

        Assert.DoesNotContain(AssemblyLoadContext.All.SelectMany(context => context.Assemblies),
            assembly => assembly.GetName().Name == "NewerAbstractionsPlugin");
    }

    [Fact]
    public void LoadAll_loads_every_plugin_folder_of_a_parent_directory_in_name_order()
    {
        using var temp = new TempDirectory();
        TestPluginFolders.CopyTo("OldJsonPlugin", temp.Path);
        TestPluginFolders.CopyTo("DependentPlugin", temp.Path);

        var plugins = _loader.LoadAll([temp.Path]);

        Assert.Equal(["DependentPlugin", "OldJsonPlugin"], plugins.Select(plugin => plugin.Name));
        Assert.Equal([temp.Combine("DependentPlugin"), temp.Combine("OldJsonPlugin")], plugins.Select(plugin => plugin.Folder));
        Assert.NotSame(AssemblyLoadContext.GetLoadContext(plugins[0].Entry.GetType().Assembly),
            AssemblyLoadContext.GetLoadContext(plugins[1].Entry.GetType().Assembly));
    }

    [Fact]
    public void LoadAll_accepts_a_plugin_folder_itself_and_loads_a_folder_named_twice_once()
    {
        var folder = TestPluginFolders.Of("OldJsonPlugin");

        var plugins = _loader.LoadAll([folder, folder + Path.DirectorySeparatorChar]);

        Assert.Equal("OldJsonPlugin", Assert.Single(plugins).Name);
    }

    [Fact]
    public void LoadAll_refuses_a_missing_directory()
    {
        using var temp = new TempDirectory();
        var missing = temp.Combine("plugins");

        var error = Assert.Throws<PluginLoadException>(() => _loader.LoadAll([missing]));

        Assert.Equal($"plugin directory '{missing}' does not exist; check the plugin path", error.Message);
    }

    [Fact]
    public void LoadAll_refuses_a_directory_without_plugins()
    {
        using var temp = new TempDirectory();
        var empty = Directory.CreateDirectory(temp.Combine("plugins")).FullName;

        var error = Assert.Throws<PluginLoadException>(() => _loader.LoadAll([empty]));

        Assert.StartsWith($"plugin directory '{empty}' holds no plugin (no plugins.dll and no plugin folders);", error.Message);
    }

    [Fact]
    public void LoadAll_refuses_a_subfolder_that_is_no_plugin_naming_it()
    {
        using var temp = new TempDirectory();
        TestPluginFolders.CopyTo("OldJsonPlugin", temp.Path);
        var stray = Directory.CreateDirectory(temp.Combine("notes")).FullName;

        var error = Assert.Throws<PluginLoadException>(() => _loader.LoadAll([temp.Path]));

        Assert.StartsWith($"plugin 'notes': folder '{stray}' has no notes.dll;", error.Message);
    }

    private static IBusDevice CreateDevice(DeviceType type) =>
        Assert.IsAssignableFrom<IBusDevice>(Activator.CreateInstance(type.DeviceClass));
}
