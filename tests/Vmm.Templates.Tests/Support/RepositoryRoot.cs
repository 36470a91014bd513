namespace Vmm.Templates.Tests.Support;

/// <summary>The checkout these tests were built from: the folder holding Framework.sln above the test binaries.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Framework.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"no Framework.sln above {AppContext.BaseDirectory}");
    }
}
