namespace Vmm.Devices.I8042;

/// <summary>A small fixed ring of bytes waiting for the output buffer; full means the newest byte is dropped.</summary>
internal sealed class ByteQueue(int capacity)
{
    private readonly byte[] _bytes = new byte[capacity];
    private int _head;

    public int Count { get; private set; }

    public bool TryEnqueue(byte value)
    {
        if (Count == _bytes.Length)
            return false;
        _bytes[(_head + Count) % _bytes.Length] = value;
        Count++;
        return true;
    }

    public byte Dequeue()
    {
        byte value = _bytes[_head];
        _head = (_head + 1) % _bytes.Length;
        Count--;
        return value;
    }

    public void Clear()
    {
        _head = 0;
        Count = 0;
    }
}
