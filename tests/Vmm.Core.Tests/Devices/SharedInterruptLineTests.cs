using Vmm.Core.Devices;
using Vmm.Sdk;

namespace Vmm.Core.Tests.Devices;

/// <summary>Two devices on one GSI: the backend line is the OR of their levels.</summary>
public sealed class SharedInterruptLineTests
{
    private readonly RecordingLine _gsi = new(4);
    private readonly SharedInterruptLine _shared;
    private readonly IInterruptLine _com1;
    private readonly IInterruptLine _other;

    public SharedInterruptLineTests()
    {
        _shared = new SharedInterruptLine(_gsi);
        _com1 = _shared.CreateHandle();
        _other = _shared.CreateHandle();
    }

    [Fact]
    public void The_gsi_stays_raised_until_every_device_lowers()
    {
        _com1.Raise();
        _other.Raise();
        _com1.Lower();

        Assert.True(_gsi.IsRaised);
        Assert.False(_com1.IsRaised);
        Assert.True(_other.IsRaised);

        _other.Lower();

        Assert.False(_gsi.IsRaised);
        Assert.Equal(["raise", "lower"], _gsi.Changes);
    }

    [Fact]
    public void Raising_twice_from_one_device_counts_once_and_still_reaches_the_backend()
    {
        _com1.Raise();
        _com1.Raise();
        var raisedHandles = _shared.RaisedHandles;
        _com1.Lower();

        Assert.Equal(1, raisedHandles);
        Assert.False(_gsi.IsRaised);
        Assert.Equal(0, _shared.RaisedHandles);
        Assert.Equal(1, _gsi.Repeats);   // the second Raise, passed on as it would be without sharing
    }

    [Fact]
    public void A_device_lowering_while_another_holds_the_line_does_not_reach_the_backend()
    {
        _other.Raise();
        _com1.Raise();
        _com1.Lower();

        Assert.True(_gsi.IsRaised);
        Assert.Equal(1, _gsi.Repeats);   // only _com1's Raise of a raised wire
    }

    [Fact]
    public void Lowering_a_device_that_never_raised_leaves_the_other_device_s_level()
    {
        _other.Raise();
        _com1.Lower();

        Assert.True(_gsi.IsRaised);
        Assert.Equal(["raise"], _gsi.Changes);
    }

    [Fact]
    public void A_pulse_is_an_edge_on_the_gsi_only_when_no_other_device_holds_it()
    {
        _com1.Pulse();
        _other.Raise();
        _com1.Pulse();

        Assert.Equal(["pulse", "raise"], _gsi.Changes);
        Assert.True(_gsi.IsRaised);
    }

    [Fact]
    public void Both_handles_name_the_gsi() => Assert.Equal([4, 4], new[] { _com1.Gsi, _other.Gsi });

    [Fact]
    public void Concurrent_devices_leave_the_gsi_at_the_or_of_their_last_levels()
    {
        var handles = Enumerable.Range(0, 4).Select(_ => _shared.CreateHandle()).ToArray();

        Parallel.For(0, handles.Length, i =>
        {
            for (var n = 0; n < 20_000; n++)
            {
                handles[i].Raise();
                handles[i].Lower();
            }
        });
        Assert.False(_gsi.IsRaised);
        handles[2].Raise();

        Assert.True(_gsi.IsRaised);
        Assert.Equal(1, _shared.RaisedHandles);
        // Every change reached the backend in an order that alternates, as a wire's level does.
        Assert.All(_gsi.Changes.Where(c => c != "pulse").Chunk(2), pair => Assert.Equal("raise", pair[0]));
    }

    /// <summary>A wire: logs level changes and pulses; repeated calls that change nothing are counted apart.</summary>
    private sealed class RecordingLine(int gsi) : IInterruptLine
    {
        public List<string> Changes { get; } = [];

        public int Repeats { get; private set; }

        public int Gsi => gsi;

        public bool IsRaised { get; private set; }

        public void Raise()
        {
            if (IsRaised)
            {
                Repeats++;
                return;
            }
            IsRaised = true;
            Changes.Add("raise");
        }

        public void Lower()
        {
            if (!IsRaised)
            {
                Repeats++;
                return;
            }
            IsRaised = false;
            Changes.Add("lower");
        }

        public void Pulse() => Changes.Add("pulse");
    }
}
