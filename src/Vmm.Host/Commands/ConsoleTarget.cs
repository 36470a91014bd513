using Vmm.Core;

namespace Vmm.Host.Commands;

/// <summary>Opens the host stream a device console is wired to: <c>stdout</c>, <c>stderr</c>, <c>none</c>, <c>file:PATH</c>.</summary>
public static class ConsoleTarget
{
    public static Stream? OpenOutput(string? target, string? baseDirectory, string where)
    {
        if (target is null || target.Equals("none", StringComparison.OrdinalIgnoreCase))
            return null;
        if (target.Equals("stdout", StringComparison.OrdinalIgnoreCase))
            return Console.OpenStandardOutput();
        if (target.Equals("stderr", StringComparison.OrdinalIgnoreCase))
            return Console.OpenStandardError();
        if (target.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            var path = Path.GetFullPath(target["file:".Length..], baseDirectory ?? Environment.CurrentDirectory);
            try
            {
                return File.Create(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException($"{where}: console file {path}: {ex.Message}", ex);
            }
        }
        throw new ConfigurationException($"{where}: console \"{target}\" is not stdout, stderr, none or file:PATH");
    }
}
