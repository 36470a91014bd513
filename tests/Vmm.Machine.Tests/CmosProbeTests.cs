using System.Globalization;
using Vmm.Machine.Tests.Support;

namespace Vmm.Machine.Tests;

/// <summary>
/// The MC146818 RTC of the pc machine from inside a multiboot kernel (tests/Guests/probes/cmos.c): the time it
/// reads matches the host's clock, UIP and UF behave, and the memory-size bytes follow the VM's size.
/// </summary>
public sealed class CmosProbeTests
{
    [Theory]
    [InlineData("kvm")]
    [InlineData("emulator")]
    public void The_guest_reads_the_hosts_time_and_sees_an_update(string backend)
    {
        var before = DateTime.UtcNow;
        var report = ProbeGuest.RunOn(backend, "cmos", "--memory", "16M");
        var after = DateTime.UtcNow;

        report.AssertAllPassed();
        var guestTime = DateTime.ParseExact(report.Passed("time"), "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        // Whole seconds: the guest's reading lies between the host's before (truncated) and after.
        Assert.InRange(guestTime, before.AddTicks(-(before.Ticks % TimeSpan.TicksPerSecond)), after);
        Assert.Equal("uip-seen=1 c=0x10", report.Passed("update-ended"));
        Assert.Equal("0x80", report.Passed("valid-ram"));
        Assert.Equal("0x80", report.Passed("nmi-mask-index"));
        Assert.Equal("640", report.Passed("base-memory"));
        Assert.Equal("15360 15360", report.Passed("extended-memory"));   // 16 MiB - 1 MiB, in KiB
        Assert.Equal("0", report.Passed("memory-above-16m"));
    }

    [Fact]
    public void A_base_time_and_a_large_memory_show_in_what_the_guest_reads()
    {
        var report = ProbeGuest.Run("cmos", "--memory", "128M", "--device", "mc146818,name=rtc,base=2006-06-17T16:01:21");

        report.AssertAllPassed();
        var guestTime = DateTime.ParseExact(report.Passed("time"), "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        Assert.InRange(guestTime, new DateTime(2006, 6, 17, 16, 1, 21), new DateTime(2006, 6, 17, 16, 1, 31));
        Assert.Equal("65535 65535", report.Passed("extended-memory"));  // capped at 64 MiB
        Assert.Equal($"{112 * 16}", report.Passed("memory-above-16m"));  // 112 MiB in 64 KiB units
    }
}
