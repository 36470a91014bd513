using Vmm.Sdk;

namespace Vmm.Sdk.Testing.Tests.Devices;

/// <summary>
/// An index register (offset 0) selecting one of 128 data registers (offset 1), with the bug the fuzzer must find:
/// the index is a byte the guest chooses and is never checked, so an index of 0x80 or more overruns the array.
/// </summary>
public sealed class IndexedRegisterDevice : IBusDevice
{
    private readonly byte[] _data = new byte[128];
    private byte _index;

    public void Read(in BusAccess access, Span<byte> data) =>
        data[0] = access.Offset == 0 ? _index : _data[_index];

    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
        if (access.Offset == 0)
            _index = data[0];
        else
            _data[_index] = data[0];
    }
}
