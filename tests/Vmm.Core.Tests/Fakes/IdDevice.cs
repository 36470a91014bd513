using Vmm.Sdk;

namespace Vmm.Core.Tests.Fakes;

/// <summary>Answers every read with its own id and records writes, so a test can tell where an access went (Firecracker's IdDevice).</summary>
internal sealed class IdDevice(byte id) : IBusDevice
{
    public List<(BusAccess Access, byte[] Data)> Writes { get; } = [];

    public List<BusAccess> Reads { get; } = [];

    public void Read(in BusAccess access, Span<byte> data)
    {
        Reads.Add(access);
        data.Fill(id);
    }

    public void Write(in BusAccess access, ReadOnlySpan<byte> data) => Writes.Add((access, data.ToArray()));
}
