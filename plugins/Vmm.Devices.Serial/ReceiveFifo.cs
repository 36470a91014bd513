namespace Vmm.Devices.Serial;

/// <summary>
/// The 16550A's receive FIFO: 16 characters, each with its own error flags (PC16550D datasheet, "FIFO Interrupt
/// Mode Operation": an error belongs to its character and is revealed when that character reaches the top). With
/// the FIFOs off the UART is a 16450 and the same buffer holds one character, the RBR.
/// </summary>
internal sealed class ReceiveFifo
{
    /// <summary>The depth of the 16550A's FIFOs.</summary>
    public const int Depth = 16;

    private readonly byte[] _data = new byte[Depth];
    private readonly byte[] _errors = new byte[Depth];
    private int _head;

    /// <summary>Characters waiting.</summary>
    public int Count { get; private set; }

    /// <summary>How many characters fit: 16 in FIFO mode, 1 (the RBR) in 16450 mode.</summary>
    public int Capacity { get; private set; } = 1;

    /// <summary>Characters held with a parity, framing or break error (LSR bit 7 in FIFO mode).</summary>
    public int ErroredCount { get; private set; }

    public int Space => Capacity - Count;

    /// <summary>The error flags of the character at the top, the next one RBR returns (0 if empty).</summary>
    public byte TopErrors => Count == 0 ? (byte)0 : _errors[_head];

    /// <summary>Empties the FIFO and sets its capacity (FCR bit 0 changes, FCR bit 1 resets).</summary>
    public void Reset(int capacity)
    {
        Capacity = capacity;
        Count = 0;
        _head = 0;
        ErroredCount = 0;
    }

    /// <summary>Appends a character; false when full (the caller decides what an overrun loses).</summary>
    public bool TryPush(byte value, byte errors)
    {
        if (Count >= Capacity)
            return false;
        int tail = (_head + Count) % Depth;
        _data[tail] = value;
        _errors[tail] = errors;
        Count++;
        if (errors != 0)
            ErroredCount++;
        return true;
    }

    /// <summary>16450 mode overrun: the new character replaces the one in the RBR.</summary>
    public void OverwriteLast(byte value, byte errors)
    {
        int last = (_head + Count - 1) % Depth;
        if (_errors[last] != 0)
            ErroredCount--;
        _data[last] = value;
        _errors[last] = errors;
        if (errors != 0)
            ErroredCount++;
    }

    /// <summary>Takes the top character; the caller checks <see cref="Count"/> first.</summary>
    public byte Pop()
    {
        byte value = _data[_head];
        if (_errors[_head] != 0)
            ErroredCount--;
        _head = (_head + 1) % Depth;
        Count--;
        return value;
    }
}
