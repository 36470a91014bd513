using Iced.Intel;

namespace Vmm.Emulation.Execution;

/// <summary>An Iced code reader over a block's byte copy, reset for every block so one decoder serves all.</summary>
internal sealed class FetchReader : CodeReader
{
    private byte[] _bytes = [];
    private int _position;
    private int _length;

    public int Position => _position;

    public void Reset(byte[] bytes, int length, int position)
    {
        _bytes = bytes;
        _length = length;
        _position = position;
    }

    public override int ReadByte() => _position < _length ? _bytes[_position++] : -1;
}
