using Vmm.Core;
using static Vmm.Devices.Cmos.Tests.Rtc;

namespace Vmm.Devices.Cmos.Tests;

/// <summary>The time registers: read from the VM's clock, in each format, held by SET, set by the guest.</summary>
public sealed class ClockTests
{
    [Fact]
    public void Time_registers_read_the_clock_in_bcd_24_hour_by_default()
    {
        using var vm = Create();

        Assert.Equal(
            [0x31, 0x48, 0x15, 0x04, 0x25, 0x11, 0x26, 0x20],  // 15:48:31, Wednesday (4), 25.11.(20)26
            new[] { Seconds, Minutes, Hours, Weekday, DayOfMonth, Month, Year, Century }.Select(vm.Get));
    }

    [Fact]
    public void Binary_mode_gives_plain_numbers()
    {
        using var vm = Create();

        vm.Put(B, Hour24 | Binary);

        Assert.Equal([31, 48, 15, 4, 25, 11, 26, 20], new[] { Seconds, Minutes, Hours, Weekday, DayOfMonth, Month, Year, Century }.Select(vm.Get));
    }

    [Theory]
    [InlineData(15, 0x83)]   // 3 PM: PM flag (bit 7) and BCD 3
    [InlineData(0, 0x12)]    // midnight is 12 AM
    [InlineData(12, 0x92)]   // noon is 12 PM
    [InlineData(9, 0x09)]
    public void Twelve_hour_mode_sets_the_pm_flag(int hour, byte expected)
    {
        using var vm = Create();
        vm.Clock.Advance(TimeSpan.FromHours((hour - 15 + 24) % 24));

        vm.Put(B, 0);  // 12-hour, BCD

        Assert.Equal(expected, vm.Get(Hours));
    }

    [Fact]
    public void The_clock_runs_with_the_vm_clock()
    {
        using var vm = Create();

        vm.Clock.Advance(TimeSpan.FromSeconds(29));

        Assert.Equal((0x00, 0x49), (vm.Get(Seconds), vm.Get(Minutes)));
    }

    [Fact]
    public void A_base_time_starts_the_clock_there_and_it_runs_on()
    {
        using var vm = Create(new { Base = "2006-06-17T16:01:21" });
        vm.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal([0x23, 0x01, 0x16, 0x17, 0x06, 0x06, 0x20], new[] { Seconds, Minutes, Hours, DayOfMonth, Month, Year, Century }.Select(vm.Get));
    }

    [Fact]
    public void A_bad_base_is_one_clear_error()
    {
        var error = Assert.ThrowsAny<VmmException>(() => Create(new { Base = "yesterday" }));

        Assert.Contains("\"yesterday\" is not utc, localtime or a date and time", error.Message);
        Assert.Contains("rtc", error.Message);
    }

    [Fact]
    public void Uip_is_set_only_in_the_244_microseconds_before_an_update()
    {
        using var vm = Create();

        Assert.Equal(0, vm.Get(A) & Uip);
        vm.Clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond - 2_450));   // 245 µs before the update
        Assert.Equal(0, vm.Get(A) & Uip);
        vm.Clock.Advance(TimeSpan.FromTicks(20));                                // 243 µs before
        Assert.Equal(Uip, vm.Get(A) & Uip);
        Assert.Equal(0x31, vm.Get(Seconds));                                     // not updated yet
        vm.Clock.Advance(TimeSpan.FromTicks(2_430));                             // the update
        Assert.Equal(0, vm.Get(A) & Uip);
        Assert.Equal(0x32, vm.Get(Seconds));
    }

    [Fact]
    public void Set_freezes_the_clock_and_the_written_time_runs_on_when_it_clears()
    {
        using var vm = Create();

        vm.Put(B, Set | Hour24);
        vm.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0x31, vm.Get(Seconds));                  // frozen
        Assert.Equal(0, vm.Get(A) & Uip);
        vm.Put(Hours, 0x07);
        vm.Put(Minutes, 0x30);
        vm.Put(Seconds, 0x58);
        vm.Put(DayOfMonth, 0x01);
        vm.Put(Month, 0x02);
        vm.Put(Year, 0x99);
        vm.Put(Century, 0x19);
        vm.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0x58, vm.Get(Seconds));                  // still frozen: what was written
        vm.Put(B, Hour24);                                    // SET off: runs from 1999-02-01 07:30:58

        vm.Clock.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal([0x01, 0x31, 0x07, 0x01, 0x02, 0x99, 0x19, 0x02],   // 07:31:01, Monday 1.2.1999
            new[] { Seconds, Minutes, Hours, DayOfMonth, Month, Year, Century, Weekday }.Select(vm.Get));
    }

    [Fact]
    public void Writing_a_time_register_while_running_sets_that_field()
    {
        using var vm = Create();

        vm.Put(Minutes, 0x05);
        Assert.Equal((0x05, 0x15), (vm.Get(Minutes), vm.Get(Hours)));
        vm.Clock.Advance(TimeSpan.FromSeconds(29));

        Assert.Equal((0x00, 0x06), (vm.Get(Seconds), vm.Get(Minutes)));
    }

    [Fact]
    public void Setting_the_time_in_12_hour_binary_mode_reads_back_in_24_hour_bcd()
    {
        using var vm = Create();

        vm.Put(B, Set | Binary);                     // 12-hour binary; the latched BCD bytes are not converted (datasheet)
        vm.Put(Hours, 0x80 | 11);                    // 11 PM
        vm.Put(Minutes, 59);
        vm.Put(Seconds, 59);
        vm.Put(DayOfMonth, 28);
        vm.Put(Month, 2);
        vm.Put(Year, 24);
        vm.Put(Century, 20);
        vm.Put(B, Binary);
        vm.Clock.Advance(TimeSpan.FromSeconds(1));   // midnight: 29 February 2024, a leap day
        vm.Put(B, Hour24);

        Assert.Equal((0x00, 0x00, 0x29, 0x02), (vm.Get(Hours), vm.Get(Minutes), vm.Get(DayOfMonth), vm.Get(Month)));
    }

    [Fact]
    public void A_divider_reset_holds_the_clock_and_the_first_update_comes_half_a_second_after_release()
    {
        using var vm = Create();

        vm.Put(A, 0x70);                                          // DV2-0 = 11x: divider chain in reset
        vm.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0x31, vm.Get(Seconds));
        vm.Put(A, 0x26);                                          // released
        vm.Clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(0x31, vm.Get(Seconds));
        vm.Clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(0x32, vm.Get(Seconds));
    }

    [Fact]
    public void Nonsense_time_written_by_the_guest_is_clamped_not_thrown()
    {
        using var vm = Create();

        vm.Put(B, Set | Hour24);
        foreach (var register in new[] { Seconds, Minutes, Hours, DayOfMonth, Month, Year, Century })
            vm.Put(register, 0xff);
        vm.Put(B, Hour24);

        Assert.Equal((0x59, 0x12, 0x99), (vm.Get(Seconds), vm.Get(Month), vm.Get(Year)));  // 9999-12-31 23:59:59
    }
}
