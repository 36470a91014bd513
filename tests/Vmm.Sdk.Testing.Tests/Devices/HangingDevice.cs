using Vmm.Sdk;

namespace Vmm.Sdk.Testing.Tests.Devices;

/// <summary>Waits forever (as a device blocking on a host resource would) on any write to its second port.</summary>
public sealed class HangingDevice : IBusDevice
{
    public void Read(in BusAccess access, Span<byte> data) { }

    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
        if (access.Offset == 1)
            Thread.Sleep(Timeout.Infinite);
    }
}
