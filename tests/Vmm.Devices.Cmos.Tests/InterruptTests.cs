using Vmm.Sdk.Testing;
using static Vmm.Devices.Cmos.Tests.Rtc;

namespace Vmm.Devices.Cmos.Tests;

/// <summary>Register C's flags and IRQ 8: periodic, update-ended and alarm interrupts, cleared by reading C.</summary>
public sealed class InterruptTests
{
    [Theory]
    [InlineData(0x06, 1024)]   // the PC default: 976.5625 µs, not a whole number of ticks
    [InlineData(0x03, 8192)]
    [InlineData(0x01, 256)]    // rates 1 and 2 are 256 and 128 Hz with the 32.768 kHz time base
    [InlineData(0x02, 128)]
    [InlineData(0x0f, 2)]
    public void Periodic_interrupts_come_at_the_rate_register_a_selects(byte rate, int perSecond)
    {
        using var vm = Create();
        vm.Put(A, (byte)(0x20 | rate));
        vm.Put(B, Pie | Hour24);

        vm.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(perSecond, vm.Irq(Irq).RaiseCount);
        Assert.Equal(Irqf | Pf | Uf, vm.Get(C));             // UF: a second passed (UIE only decides the interrupt)
    }

    [Fact]
    public void A_guest_acknowledging_each_periodic_interrupt_sees_one_per_period()
    {
        using var vm = Create();
        vm.Put(A, 0x2f);                                       // 2 Hz
        vm.Put(B, Pie | Hour24);
        var acknowledged = 0;

        for (var step = 0; step < 40; step++)                  // 4 s in 100 ms steps
        {
            vm.Clock.Advance(TimeSpan.FromMilliseconds(100));
            if (!vm.Irq(Irq).IsRaised)
                continue;
            Assert.Equal(Irqf | Pf, vm.Get(C) & ~Uf);          // the handler reads C (UF rises each second too)...
            Assert.False(vm.Irq(Irq).IsRaised);                // ...which lowers the line
            acknowledged++;
        }

        Assert.Equal(8, acknowledged);
        Assert.All(vm.Irq(Irq).Log.Where(e => e.Change == InterruptLineChange.Raised),
            (e, i) => Assert.Equal(TimeSpan.FromMilliseconds(500 * (i + 1)), e.Elapsed));
    }

    [Fact]
    public void Pf_is_set_without_pie_but_the_line_stays_low()
    {
        using var vm = Create();                               // rate 6, PIE off

        vm.Clock.Advance(TimeSpan.FromMilliseconds(2));

        Assert.Equal(Pf, vm.Get(C));
        Assert.Equal(0, vm.Get(C));                            // cleared by the read
        Assert.Equal(0, vm.Irq(Irq).RaiseCount);
    }

    [Fact]
    public void Enabling_pie_on_a_pending_pf_interrupts_at_once()
    {
        using var vm = Create();
        vm.Clock.Advance(TimeSpan.FromMilliseconds(2));

        vm.Put(B, Pie | Hour24);

        Assert.True(vm.Irq(Irq).IsRaised);
        vm.Put(B, Hour24);                                     // disabling it again drops IRQF and the line
        Assert.False(vm.Irq(Irq).IsRaised);
        Assert.Equal(Pf, vm.Get(C));
    }

    [Fact]
    public void Update_ended_interrupts_come_once_a_second()
    {
        using var vm = Create();
        vm.Put(A, 0x20);                                       // periodic rate 0: no PF in C
        vm.Put(B, Uie | Hour24);

        vm.Clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(vm.Irq(Irq).IsRaised);
        vm.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(vm.Irq(Irq).IsRaised);
        Assert.Equal(Irqf | Uf, vm.Get(C));
        Assert.False(vm.Irq(Irq).IsRaised);
        for (var second = 0; second < 3; second++)
            vm.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(4, vm.Irq(Irq).RaiseCount);
        Assert.Equal(Irqf | Uf, vm.Get(C));                    // unacknowledged: the flags stay until C is read
    }

    [Fact]
    public void Setting_set_clears_uie_and_stops_update_interrupts()
    {
        using var vm = Create();
        vm.Put(A, 0x20);                                       // periodic rate 0: no PF in C

        vm.Put(B, Set | Uie | Hour24);
        vm.Clock.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(Set | Hour24, vm.Get(B));
        Assert.Equal(0, vm.Get(C));
        Assert.Equal(0, vm.Irq(Irq).RaiseCount);
    }

    [Fact]
    public void The_alarm_fires_when_the_time_matches()
    {
        using var vm = Create();
        vm.Put(A, 0x20);                                       // periodic rate 0: no PF in C
        vm.Put(HoursAlarm, 0x15);
        vm.Put(MinutesAlarm, 0x48);
        vm.Put(SecondsAlarm, 0x34);                            // 3 s from now
        vm.Put(B, Aie | Hour24);

        vm.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(vm.Irq(Irq).IsRaised);
        Assert.Equal(Uf, vm.Get(C));                           // updates happened, no alarm yet
        vm.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.True(vm.Irq(Irq).IsRaised);
        Assert.Equal(Irqf | Af | Uf, vm.Get(C));
        vm.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, vm.Irq(Irq).RaiseCount);               // once, not every second
    }

    [Fact]
    public void Dont_care_alarm_bytes_match_every_value()
    {
        using var vm = Create();
        vm.Put(A, 0x20);                                       // periodic rate 0: no PF in C
        vm.Put(HoursAlarm, 0xc0);
        vm.Put(MinutesAlarm, 0xff);
        vm.Put(SecondsAlarm, 0x00);                            // at every whole minute
        vm.Put(B, Aie | Hour24);

        for (var second = 0; second < 29 + 120; second++)      // 15:48:31 -> 15:51:00, a second at a time
            vm.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(3, vm.Irq(Irq).RaiseCount);
    }

    [Fact]
    public void The_alarm_compares_in_12_hour_format_with_the_pm_flag()
    {
        using var vm = Create();
        vm.Put(A, 0x20);                                       // periodic rate 0: no PF in C
        vm.Put(B, 0);                                          // 12-hour BCD: it is 03:48:31 PM
        vm.Put(HoursAlarm, 0x83);
        vm.Put(MinutesAlarm, 0x48);
        vm.Put(SecondsAlarm, 0x32);
        vm.Put(B, Aie);

        vm.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(Irqf | Af | Uf, vm.Get(C));
    }

    [Fact]
    public void Register_c_and_d_ignore_writes_and_d_reports_valid_ram()
    {
        using var vm = Create();

        vm.Put(C, 0xff);
        vm.Put(D, 0x00);

        Assert.Equal((0, 0x80), (vm.Get(C), vm.Get(D)));
        Assert.Equal((0x26, 0x02), (vm.Get(A), vm.Get(B)));   // a PC BIOS's values: 32.768 kHz, 1024 Hz; 24-hour BCD
    }

    [Fact]
    public void Timer_and_vcpu_threads_lose_no_periodic_tick()
    {
        using var vm = Create();
        vm.Put(B, Pie | Hour24);                               // 1024 Hz
        using var start = new Barrier(2);
        var done = 0;
        var clock = new Thread(() =>
        {
            start.SignalAndWait(TestContext.Current.CancellationToken);
            for (var i = 0; i < 1000; i++)
                vm.Clock.Advance(TimeSpan.FromMilliseconds(1));  // timer callbacks run on this thread
            Volatile.Write(ref done, 1);
        });

        clock.Start();
        start.SignalAndWait(TestContext.Current.CancellationToken);
        var reads = 0;
        while (Volatile.Read(ref done) == 0)
        {
            vm.Get(C);                                         // the vCPU side acknowledges meanwhile
            reads++;
        }
        clock.Join();

        Assert.Equal(1024, vm.Irq(Irq).RaiseCount);            // 1 s at 1024 Hz: every tick raised, none lost to a race
        TestContext.Current.TestOutputHelper?.WriteLine($"{reads} register C reads ran alongside");
    }

    [Fact]
    public void A_disposed_rtc_raises_nothing_more()
    {
        var vm = Create();
        vm.Put(B, Pie | Uie | Hour24);
        var line = vm.Irq(Irq);
        var clock = vm.Clock;

        vm.Dispose();
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(0, line.RaiseCount);
    }
}
