namespace Vmm.Host.Commands;

/// <summary>What vmm's standard input is, which decides whether a console reads it (<see cref="ConsoleTarget.OpenInput"/>).</summary>
public enum StandardInputKind
{
    /// <summary>A terminal: wired.</summary>
    Terminal,

    /// <summary>A pipe, socket or file: wired.</summary>
    Stream,

    /// <summary>A device that is not a terminal, such as <c>/dev/null</c>: not wired.</summary>
    Device,

    /// <summary>Descriptor 0 is closed: not wired.</summary>
    Closed,
}
