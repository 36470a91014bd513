using Vmm.Core.Plugins;
using Vmm.Host.Commands;

namespace Vmm.Host.Tests;

public sealed class PluginDirectoriesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vmm-plugin-dirs-").FullName;

    private string Folder(string name, bool withPlugin = true)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        if (withPlugin)
            Directory.CreateDirectory(Path.Combine(folder, "SomePlugin"));
        return folder;
    }

    [Fact]
    public void Searches_the_default_folder_then_VMM_PLUGIN_PATH_then_the_config_then_the_command_line()
    {
        var (defaults, fromVariable, fromConfig, fromCommandLine) = (Folder("default"), Folder("variable"), Folder("config/mine"), Folder("command-line"));

        var folders = PluginDirectories.Resolve(new PluginSearch
        {
            CommandLine = [fromCommandLine],
            PluginPath = fromVariable,
            Config = ["mine"],
            ConfigFile = Path.Combine(_root, "config", "vm.json"),
        }, defaults);

        Assert.Equal([defaults, fromVariable, fromConfig, fromCommandLine], folders);
    }

    [Fact]
    public void VMM_PLUGIN_PATH_is_split_like_PATH_skipping_empty_entries_with_relative_ones_from_the_current_directory()
    {
        var (first, second) = (Folder("first"), Folder("second"));
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, second);

        var folders = PluginDirectories.Resolve(
            new PluginSearch { IncludeDefault = false, PluginPath = $"{Path.PathSeparator}{first}{Path.PathSeparator}{Path.PathSeparator}{relative}{Path.PathSeparator}" });

        Assert.Equal([first, second], folders);
    }

    [Fact]
    public void The_same_folder_named_twice_is_searched_once_where_it_was_first_named()
    {
        var (defaults, mine) = (Folder("default"), Folder("mine"));

        var folders = PluginDirectories.Resolve(new PluginSearch
        {
            CommandLine = [mine + Path.DirectorySeparatorChar, defaults, mine],
            PluginPath = mine,
        }, defaults);

        Assert.Equal([defaults, mine], folders);
    }

    [Fact]
    public void A_missing_or_empty_default_folder_is_skipped_silently()
    {
        var mine = Folder("mine");

        Assert.Equal([mine], PluginDirectories.Resolve(new PluginSearch { CommandLine = [mine] }, Path.Combine(_root, "not-built")));
        Assert.Equal([mine], PluginDirectories.Resolve(new PluginSearch { CommandLine = [mine] }, Folder("empty", withPlugin: false)));
    }

    [Fact]
    public void No_default_plugins_leaves_the_default_folder_out()
    {
        var (defaults, mine) = (Folder("default"), Folder("mine"));

        var folders = PluginDirectories.Resolve(new PluginSearch { CommandLine = [mine], IncludeDefault = false }, defaults);

        Assert.Equal([mine], folders);
    }

    [Fact]
    public void A_missing_command_line_folder_is_one_line_naming_the_option()
    {
        var missing = Path.Combine(_root, "gone");

        var error = Assert.Throws<PluginLoadException>(() => PluginDirectories.Resolve(new PluginSearch { CommandLine = [missing] }));

        Assert.Equal($"--plugins: plugin folder '{missing}' does not exist; check the path", error.Message);
    }

    [Fact]
    public void A_missing_VMM_PLUGIN_PATH_folder_is_one_line_naming_the_variable()
    {
        var missing = Path.Combine(_root, "gone");

        var error = Assert.Throws<PluginLoadException>(() => PluginDirectories.Resolve(new PluginSearch { PluginPath = missing }));

        Assert.Equal($"VMM_PLUGIN_PATH: plugin folder '{missing}' does not exist; fix or unset VMM_PLUGIN_PATH", error.Message);
    }

    [Fact]
    public void A_missing_config_folder_is_one_line_naming_the_file_and_entry_relative_to_the_file()
    {
        Folder("config/present");
        var configFile = Path.Combine(_root, "config", "vm.json");

        var error = Assert.Throws<PluginLoadException>(() =>
            PluginDirectories.Resolve(new PluginSearch { Config = ["present", "../gone"], ConfigFile = configFile }));

        Assert.Equal($"{configFile}: plugins[1]: plugin folder '{Path.Combine(_root, "gone")}' does not exist; "
            + "plugin folders there are relative to the config file", error.Message);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
