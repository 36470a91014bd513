namespace Vmm.Sdk;

/// <summary>One interrupt line (a GSI) a device drives. Thread-safe.</summary>
public interface IInterruptLine
{
    /// <summary>The global system interrupt number of the line.</summary>
    int Gsi { get; }

    /// <summary>True while the line is asserted.</summary>
    bool IsRaised { get; }

    /// <summary>Asserts the line (level-triggered devices hold it until <see cref="Lower"/>).</summary>
    void Raise();

    /// <summary>Deasserts the line.</summary>
    void Lower();

    /// <summary>Raises and lowers the line: one edge for edge-triggered devices.</summary>
    void Pulse();
}
