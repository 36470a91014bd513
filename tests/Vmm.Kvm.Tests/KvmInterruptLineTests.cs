namespace Vmm.Kvm.Tests;

/// <summary>The level a line records, without an irqchip to deliver to (delivery: <see cref="InKernelIrqchipTests"/>).</summary>
public sealed class KvmInterruptLineTests
{
    [Fact]
    public void Line_tracks_raise_and_lower()
    {
        var line = new KvmInterruptLine(4);

        Assert.False(line.IsRaised);
        line.Raise();
        Assert.True(line.IsRaised);
        line.Raise();
        Assert.True(line.IsRaised);
        line.Lower();
        Assert.False(line.IsRaised);
    }

    [Fact]
    public void Pulse_leaves_the_line_lowered()
    {
        var line = new KvmInterruptLine(1);

        line.Pulse();

        Assert.False(line.IsRaised);
    }

    [Fact]
    public void Concurrent_raises_and_lowers_end_at_the_last_level_set()
    {
        var line = new KvmInterruptLine(9);

        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                line.Raise();
                line.Lower();
            }
        });
        line.Raise();

        Assert.True(line.IsRaised);
    }
}
