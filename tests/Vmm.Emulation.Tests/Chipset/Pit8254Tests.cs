using Microsoft.Extensions.Time.Testing;
using Vmm.Emulation.Chipset;

namespace Vmm.Emulation.Tests.Chipset;

/// <summary>The 8254 through the chipset's ports, on a fake clock: 1.193182 MHz input, IRQ 0 through the PIC.</summary>
public sealed class Pit8254Tests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly PcChipset _chipset;

    public Pit8254Tests()
    {
        _chipset = new PcChipset(_clock);
        foreach ((ushort port, byte value) in new (ushort, byte)[] { (0x20, 0x11), (0x21, 0x20), (0x21, 0x04), (0x21, 0x01) })
            _chipset.WritePort(port, value);
    }

    public void Dispose() => _chipset.Dispose();

    /// <summary>Input clocks as time: <paramref name="clocks"/> of the 1.193182 MHz clock, rounded up to the next 100 ns.</summary>
    private static TimeSpan Clocks(long clocks) => TimeSpan.FromTicks((clocks * TimeSpan.TicksPerSecond + 1_193_181) / 1_193_182);

    private void Program(int counter, byte mode, ushort count)
    {
        _chipset.WritePort(0x43, (byte)((counter << 6) | 0x30 | (mode << 1)));
        _chipset.WritePort((ushort)(0x40 + counter), (byte)count);
        _chipset.WritePort((ushort)(0x40 + counter), (byte)(count >> 8));
    }

    private ushort LatchAndRead(int counter)
    {
        _chipset.WritePort(0x43, (byte)(counter << 6));
        byte low = _chipset.ReadPort((ushort)(0x40 + counter));
        return (ushort)(low | (_chipset.ReadPort((ushort)(0x40 + counter)) << 8));
    }

    private bool TakeTimerInterrupt()
    {
        PicState state = _chipset.ReadPicState();
        if (state.PendingVector != 0x20)
            return false;
        Assert.True(_chipset.TryAcknowledge(out byte vector));
        Assert.Equal(0x20, vector);
        _chipset.WritePort(0x20, 0x20);
        return true;
    }

    [Fact]
    public void Mode_2_on_counter_0_interrupts_on_irq0_once_per_period()
    {
        Program(0, 2, 1193);                       // ~1000 Hz, as Linux's PIT clockevent programs it
        TimeSpan at = TimeSpan.Zero;
        void AdvanceTo(long clocks)
        {
            TimeSpan target = Clocks(clocks);
            _clock.Advance(target - at);
            at = target;
        }

        AdvanceTo(1192);
        Assert.False(TakeTimerInterrupt());
        for (int tick = 1; tick <= 5; tick++)
        {
            AdvanceTo(1193 * tick);
            Assert.True(TakeTimerInterrupt(), $"tick {tick}");
            AdvanceTo(1193 * tick + 1192);
            Assert.False(TakeTimerInterrupt());
        }
    }

    [Fact]
    public void Mode_0_interrupts_once_at_terminal_count()
    {
        Program(0, 0, 500);
        _clock.Advance(Clocks(499));
        Assert.False(TakeTimerInterrupt());
        _clock.Advance(Clocks(2));
        Assert.True(TakeTimerInterrupt());
        _clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.False(TakeTimerInterrupt());        // the count wraps, OUT stays high: no second edge
    }

    [Fact]
    public void The_counter_latch_freezes_the_count_for_reading()
    {
        Program(0, 2, 1000);
        _clock.Advance(TimeSpan.FromTicks(4190));  // 499.94 input clocks
        _chipset.WritePort(0x43, 0x00);            // latch counter 0
        _clock.Advance(TimeSpan.FromMilliseconds(0.3));
        byte low = _chipset.ReadPort(0x40);
        byte high = _chipset.ReadPort(0x40);
        Assert.Equal(1000 - 499, low | (high << 8));
        Assert.NotEqual(1000 - 499, LatchAndRead(0));   // the live count moved on
    }

    [Fact]
    public void Counter_2_in_mode_0_shows_its_output_in_port_61_as_linux_calibration_reads_it()
    {
        // Linux pit_calibrate_tsc: gate on, speaker off; counter 2, LSB then MSB, mode 0; wait for OUT2 (bit 5).
        _chipset.WritePort(0x61, (byte)((_chipset.ReadPort(0x61) & ~0x02) | 0x01));
        Program(2, 0, 11932);                      // 10 ms
        Assert.Equal(0, _chipset.ReadPort(0x61) & 0x20);
        _clock.Advance(TimeSpan.FromMilliseconds(9.99));
        Assert.Equal(0, _chipset.ReadPort(0x61) & 0x20);
        _clock.Advance(TimeSpan.FromMilliseconds(0.02));
        Assert.Equal(0x20, _chipset.ReadPort(0x61) & 0x20);
        Assert.Equal(0x01, _chipset.ReadPort(0x61) & 0x03);
        Assert.False(TakeTimerInterrupt());        // counter 2 never interrupts
    }

    [Fact]
    public void A_low_gate_holds_counter_2_and_mode_3_makes_a_square_wave()
    {
        _chipset.WritePort(0x61, 0x00);
        Program(2, 0, 100);
        _clock.Advance(Clocks(200));
        Assert.Equal(100, LatchAndRead(2));        // gate low: not counting

        _chipset.WritePort(0x61, 0x01);
        Program(2, 3, 100);
        Assert.Equal(0x20, _chipset.ReadPort(0x61) & 0x20);    // high for the first half
        _clock.Advance(Clocks(51));
        Assert.Equal(0x00, _chipset.ReadPort(0x61) & 0x20);    // low for the second
        _clock.Advance(Clocks(50));
        Assert.Equal(0x20, _chipset.ReadPort(0x61) & 0x20);
    }

    [Fact]
    public void Lsb_only_access_and_read_back_status()
    {
        _chipset.WritePort(0x43, 0x10);            // counter 0, LSB only, mode 0
        _chipset.WritePort(0x40, 0x50);
        Assert.Equal(0x50, _chipset.ReadPort(0x40));
        _chipset.WritePort(0x43, 0xE2);            // read-back: status of counter 0, count not latched
        Assert.Equal(0x10, _chipset.ReadPort(0x40));   // OUT low, count loaded, LSB only, mode 0, binary
        _clock.Advance(Clocks(0x51));
        _chipset.WritePort(0x43, 0xC2);            // read-back: count and status
        Assert.Equal(0x90, _chipset.ReadPort(0x40));   // OUT high now; status comes first
        Assert.Equal(0xFF, _chipset.ReadPort(0x40));   // then the latched count: wrapped to 0xFFFF, LSB
    }

    [Fact]
    public void A_new_control_word_stops_counter_0_until_a_count_is_written()
    {
        Program(0, 2, 1193);
        _chipset.WritePort(0x43, 0x34);            // counter 0, mode 2, no count yet
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.False(TakeTimerInterrupt());
    }
}
