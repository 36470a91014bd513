using Vmm.Sdk;

namespace Vmm.Sdk.Testing.Tests.Devices;

/// <summary>
/// A DMA bug bounds checks cannot catch: on a write to its second port it takes a span of the last byte of RAM
/// and writes one byte past it through a pointer.
/// </summary>
public sealed unsafe class ScribblingDevice(IGuestMemory memory) : IBusDevice
{
    public void Read(in BusAccess access, Span<byte> data) { }

    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
        if (access.Offset != 1)
            return;
        var last = memory.GetSpan(memory.Size - 1, 1);
        fixed (byte* p = last)
            p[1] = 0x5a;
    }
}
