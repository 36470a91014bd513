namespace Vmm.Core.Tests.Plugins;

/// <summary>
/// The fixture plugins under tests/TestPlugins, published by the build into testplugins/&lt;Name&gt;/ beside the
/// test assembly (build/PublishPlugins.targets), and scratch folders to copy or corrupt them in.
/// </summary>
internal static class TestPluginFolders
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "testplugins");

    public static string Of(string name)
    {
        var folder = Path.Combine(Root, name);
        Assert.True(File.Exists(Path.Combine(folder, name + ".dll")), $"fixture plugin {name} was not published to {folder}; build the test project");
        return folder;
    }

    /// <summary>Copies the published fixture <paramref name="name"/> into <paramref name="parent"/>; returns the copy.</summary>
    public static string CopyTo(string name, string parent)
    {
        var source = Of(name);
        var target = Path.Combine(parent, name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return target;
    }
}
