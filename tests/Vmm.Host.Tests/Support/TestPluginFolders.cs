namespace Vmm.Host.Tests.Support;

/// <summary>
/// The plugin folders beside the tests: the default set in plugins/ (what vmm always searches) and the fixture
/// plugins the build publishes to testplugins/&lt;Name&gt;/ (see the project file).
/// </summary>
internal static class TestPluginFolders
{
    public static string Default { get; } = Path.Combine(AppContext.BaseDirectory, "plugins");

    public static string Of(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "testplugins", name);
        Assert.True(File.Exists(Path.Combine(folder, name + ".dll")), $"fixture plugin {name} was not published to {folder}; build the test project");
        return folder;
    }

    public static string DefaultPlugin(string name) => Path.Combine(Default, name);
}
