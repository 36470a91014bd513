namespace Vmm.Core.Plugins;

/// <summary>
/// A plugin cannot be used: its folder or assembly is missing or broken, it was built against newer shared
/// assemblies than the host has or against another SDK major version, it has no single entry point, or its
/// device type names clash with another plugin's. The message is one line naming the plugin, where it was
/// looked for, and what to do.
/// </summary>
public sealed class PluginLoadException : VmmException
{
    /// <summary>Creates the exception with its one-line <paramref name="message"/>.</summary>
    public PluginLoadException(string message) : base(message) { }

    /// <summary>Creates the exception with its one-line <paramref name="message"/> and the failure behind it.</summary>
    public PluginLoadException(string message, Exception inner) : base(message, inner) { }

    // Runtime messages (a FileNotFoundException's, a plugin's own) may span lines or end in a period;
    // the host prints ours as one line followed by "; what to do".
    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');

    internal static string Describe(Exception exception) => $"{exception.GetType().Name}: {OneLine(exception.Message)}";
}
