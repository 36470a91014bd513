using Vmm.Core;

namespace Vmm.Host.Commands;

/// <summary>
/// Opens the host streams a device console is wired to: output to <c>stdout</c>, <c>stderr</c>, <c>none</c>,
/// <c>file:PATH</c>; input from standard input for the first console on <c>stdout</c>.
/// </summary>
public static class ConsoleTarget
{
    public static Stream? OpenOutput(string? target, string? baseDirectory, string where)
    {
        if (target is null || target.Equals("none", StringComparison.OrdinalIgnoreCase))
            return null;
        if (IsStandardOutput(target))
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

    /// <summary>
    /// Standard input for the first console on <c>stdout</c> (so the console on the terminal is the one typed into,
    /// as QEMU's <c>-serial stdio</c>), when standard input carries anything: a terminal, a pipe, a socket or a file,
    /// not <c>/dev/null</c> or a closed descriptor. A terminal stays in its normal line mode: input reaches the guest
    /// a line at a time, echoed by the terminal, and Ctrl+C stops vmm.
    /// </summary>
    /// <param name="target">The device's console.</param>
    /// <param name="standardInputTaken">Set once a console has standard input; later consoles get none.</param>
    public static Stream? OpenInput(string? target, ref bool standardInputTaken)
    {
        if (standardInputTaken || target is null || !IsStandardOutput(target))
            return null;
        standardInputTaken = true;
        return Classify(Console.IsInputRedirected, OperatingSystem.IsLinux() ? StandardInputLinkTarget() : "")
            is StandardInputKind.Terminal or StandardInputKind.Stream
            ? Console.OpenStandardInput()
            : null;
    }

    /// <summary>What standard input is, from whether it is redirected and (on Linux) where <c>/proc/self/fd/0</c> points.</summary>
    /// <param name="redirected">False for a terminal.</param>
    /// <param name="linkTarget">The link's target: <c>pipe:[n]</c>, <c>socket:[n]</c>, a path; null when descriptor 0 is closed; empty when unknown (not Linux).</param>
    public static StandardInputKind Classify(bool redirected, string? linkTarget)
    {
        if (!redirected)
            return StandardInputKind.Terminal;
        if (linkTarget is null)
            return StandardInputKind.Closed;
        // Character devices that are not terminals (/dev/null, /dev/zero) give nothing a guest should read.
        if (linkTarget.StartsWith("/dev/", StringComparison.Ordinal) && !linkTarget.StartsWith("/dev/shm/", StringComparison.Ordinal))
            return StandardInputKind.Device;
        return StandardInputKind.Stream;
    }

    private static bool IsStandardOutput(string target) => target.Equals("stdout", StringComparison.OrdinalIgnoreCase);

    private static string? StandardInputLinkTarget()
    {
        try
        {
            return new FileInfo("/proc/self/fd/0").LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
