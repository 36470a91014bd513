namespace Vmm.Sdk.Testing;

/// <summary>One change of an interrupt line, stamped with the <see cref="TestVm.Clock"/>.</summary>
/// <param name="Change">Raised or lowered.</param>
/// <param name="Time">The fake clock's time when the device made the change.</param>
/// <param name="Elapsed">How far the fake clock had been advanced since the VM was created.</param>
public readonly record struct InterruptLineEvent(InterruptLineChange Change, DateTimeOffset Time, TimeSpan Elapsed)
{
    /// <inheritdoc />
    public override string ToString() => $"{Change} at +{Elapsed}";
}
