using System.Collections;

namespace Vmm.Sdk.Testing;

/// <summary>
/// The exits a <see cref="TestVm"/>'s pipeline handled, oldest first: scripted accesses and a guest's exits alike.
/// It keeps the latest <see cref="Capacity"/> and counts the ones it let go in <see cref="Dropped"/>, so a long
/// fuzz run does not grow it without bound. Thread-safe.
/// </summary>
public sealed class ExitTrace : IReadOnlyList<ExitRecord>
{
    private readonly Lock _gate = new();
    // A ring: once full, _start is the oldest record and the next one overwrites it.
    private readonly List<ExitRecord> _records = [];
    private int _start;

    internal ExitTrace(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
    }

    /// <summary>How many exits are kept; 0 records none.</summary>
    public int Capacity { get; }

    private long _dropped;

    /// <summary>Exits recorded and then let go because the trace was full.</summary>
    public long Dropped
    {
        get
        {
            lock (_gate)
                return _dropped;
        }
    }

    /// <inheritdoc />
    public int Count
    {
        get
        {
            lock (_gate)
                return _records.Count;
        }
    }

    /// <inheritdoc />
    public ExitRecord this[int index]
    {
        get
        {
            lock (_gate)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _records.Count);
                return _records[(_start + index) % _records.Count];
            }
        }
    }

    /// <summary>The most recent exit; throws if there is none.</summary>
    public ExitRecord Last
    {
        get
        {
            lock (_gate)
            {
                if (_records.Count == 0)
                    throw new InvalidOperationException("no exit has been recorded");
                return _records[(_start + _records.Count - 1) % _records.Count];
            }
        }
    }

    /// <summary>Forgets every recorded exit (to assert on what comes next).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _records.Clear();
            _start = 0;
            _dropped = 0;
        }
    }

    /// <inheritdoc />
    public IEnumerator<ExitRecord> GetEnumerator()
    {
        ExitRecord[] snapshot;
        lock (_gate)
            snapshot = [.. _records[_start..], .. _records[.._start]];
        return ((IEnumerable<ExitRecord>)snapshot).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Counts an exit a trace of capacity 0 does not keep, without making its record.</summary>
    internal void CountDropped()
    {
        lock (_gate)
            _dropped++;
    }

    internal void Add(ExitRecord record)
    {
        lock (_gate)
        {
            if (Capacity == 0)
            {
                _dropped++;
                return;
            }
            if (_records.Count < Capacity)
            {
                _records.Add(record);
                return;
            }
            _records[_start] = record;
            _start = (_start + 1) % Capacity;
            _dropped++;
        }
    }
}
