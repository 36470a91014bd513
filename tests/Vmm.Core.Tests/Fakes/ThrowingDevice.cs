using Vmm.Sdk;

namespace Vmm.Core.Tests.Fakes;

internal sealed class ThrowingDevice : IBusDevice
{
    public int Calls { get; private set; }

    public void Read(in BusAccess access, Span<byte> data)
    {
        Calls++;
        throw new InvalidOperationException("device bug");
    }

    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
        Calls++;
        throw new InvalidOperationException("device bug");
    }
}
