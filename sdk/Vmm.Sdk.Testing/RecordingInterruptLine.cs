namespace Vmm.Sdk.Testing;

/// <summary>
/// The interrupt line a device in a <see cref="TestVm"/> drives, as the test sees it: its level and a log of
/// every raise and lower stamped with the fake clock. It forwards each change to the backend's own line, so a
/// guest run on the emulator sees it too. Thread-safe. Get one with <see cref="TestVm.Irq"/>.
/// </summary>
/// <example>
/// <code>
/// vm.Clock.Advance(TimeSpan.FromMilliseconds(1));
/// Assert.True(vm.Irq(4).IsRaised);
/// Assert.Equal(TimeSpan.FromMilliseconds(1), vm.Irq(4).Log[0].Elapsed);
/// </code>
/// </example>
public sealed class RecordingInterruptLine : IInterruptLine
{
    private readonly Lock _gate = new();
    private readonly List<InterruptLineEvent> _log = [];
    private readonly IInterruptLine? _inner;
    private readonly TimeProvider _clock;
    private readonly DateTimeOffset _start;
    private bool _raised;

    internal RecordingInterruptLine(int gsi, IInterruptLine? inner, TimeProvider clock, DateTimeOffset start)
    {
        Gsi = gsi;
        _inner = inner;
        _clock = clock;
        _start = start;
    }

    /// <inheritdoc />
    public int Gsi { get; }

    /// <inheritdoc />
    public bool IsRaised
    {
        get
        {
            lock (_gate)
                return _raised;
        }
    }

    /// <summary>Every change so far, oldest first (a copy).</summary>
    public IReadOnlyList<InterruptLineEvent> Log
    {
        get
        {
            lock (_gate)
                return [.. _log];
        }
    }

    /// <summary>How many times the line was raised (pulses included).</summary>
    public int RaiseCount
    {
        get
        {
            lock (_gate)
                return _log.Count(e => e.Change == InterruptLineChange.Raised);
        }
    }

    /// <summary>Forgets the log (the level stays as it is).</summary>
    public void ClearLog()
    {
        lock (_gate)
            _log.Clear();
    }

    /// <inheritdoc />
    public void Raise()
    {
        lock (_gate)
        {
            _raised = true;
            Record(InterruptLineChange.Raised);
        }
        _inner?.Raise();
    }

    /// <inheritdoc />
    public void Lower()
    {
        lock (_gate)
        {
            _raised = false;
            Record(InterruptLineChange.Lowered);
        }
        _inner?.Lower();
    }

    /// <inheritdoc />
    public void Pulse()
    {
        lock (_gate)
        {
            _raised = false;
            Record(InterruptLineChange.Raised);
            Record(InterruptLineChange.Lowered);
        }
        _inner?.Pulse();
    }

    /// <summary>Logs a pulse another part of the machine put on this line (the PIT on GSI 0) without driving the backend.</summary>
    internal void RecordPulse()
    {
        lock (_gate)
        {
            Record(InterruptLineChange.Raised);
            Record(InterruptLineChange.Lowered);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"GSI {Gsi}: {(IsRaised ? "raised" : "lowered")}, {Log.Count} changes";

    private void Record(InterruptLineChange change)
    {
        var now = _clock.GetUtcNow();
        _log.Add(new InterruptLineEvent(change, now, now - _start));
    }
}
