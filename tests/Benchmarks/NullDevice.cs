using Vmm.Sdk;

namespace Vmm.Benchmarks;

/// <summary>The cheapest possible device, so a benchmark measures the framework and not the device.</summary>
internal sealed class NullDevice : IBusDevice
{
    public byte Last;

    public void Read(in BusAccess access, Span<byte> data) => data[0] = Last;

    public void Write(in BusAccess access, ReadOnlySpan<byte> data) => Last = data[0];
}
