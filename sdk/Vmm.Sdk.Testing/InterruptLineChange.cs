namespace Vmm.Sdk.Testing;

/// <summary>What happened to an interrupt line: an entry's kind in <see cref="RecordingInterruptLine.Log"/>.</summary>
public enum InterruptLineChange
{
    /// <summary>The device asserted the line (<see cref="IInterruptLine.Raise"/>, or the first half of a pulse).</summary>
    Raised,

    /// <summary>The device deasserted the line (<see cref="IInterruptLine.Lower"/>, or the second half of a pulse).</summary>
    Lowered,
}
