namespace Vmm.Sdk;

/// <summary>
/// A device on the port or MMIO bus. The same device works in either space: it sees only offsets
/// into its own ranges.
/// </summary>
/// <remarks>
/// Calls come on vCPU threads, one access at a time per vCPU; a device shared by several vCPUs
/// synchronises its own state. An access may run past the end of the range it started in: the
/// device gets the full size and checks it.
/// </remarks>
public interface IBusDevice
{
    /// <summary>The guest reads <c>data.Length</c> bytes; fill <paramref name="data"/> (it arrives zeroed).</summary>
    void Read(in BusAccess access, Span<byte> data);

    /// <summary>The guest writes <paramref name="data"/>.</summary>
    void Write(in BusAccess access, ReadOnlySpan<byte> data);
}
