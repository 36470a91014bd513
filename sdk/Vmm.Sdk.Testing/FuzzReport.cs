namespace Vmm.Sdk.Testing;

/// <summary>What a <see cref="DeviceFuzzer"/> run that found nothing did: enough to assert that it really ran.</summary>
/// <param name="Sequences">How many operation sequences ran, each on a fresh VM.</param>
/// <param name="Operations">How many operations ran over all sequences.</param>
/// <param name="DeviceAccesses">How many of the accesses reached a target device (its slot's access count).</param>
/// <param name="Targets">The ranges aimed at, as the buses hold them (<c>port 0x3f8-0x3ff</c>).</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
public sealed record FuzzReport(long Sequences, long Operations, long DeviceAccesses, string Targets, TimeSpan Elapsed)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Sequences:N0} sequences, {Operations:N0} operations ({DeviceAccesses:N0} device accesses) on {Targets} in {Elapsed.TotalSeconds:0.0} s";
}
