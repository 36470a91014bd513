using Vmm.Machine.Tests.Support;

namespace Vmm.Machine.Tests;

/// <summary>
/// The irq-routing probe on KVM: ISA IRQs other than the timer arrive where a PC wires them - the RTC's IRQ 8 through
/// the slave 8259A and the cascade, and on I/O APIC pin 8; COM1's IRQ 4 on I/O APIC pin 4.
/// </summary>
public sealed class IrqRoutingProbeTests
{
    [Fact]
    public void Rtc_and_uart_interrupts_arrive_through_the_slave_pic_and_their_ioapic_pins()
    {
        var report = ProbeGuest.Run("irq-routing", "--memory", "16M");

        report.AssertAllPassed();
        Assert.Equal("vector=0x28 count=4", report.Passed("rtc-pic"));
        Assert.Equal("vector=0x38 count=4", report.Passed("rtc-ioapic"));
        Assert.Equal("vector=0x34 count=4", report.Passed("uart-ioapic"));
        Assert.Equal("0x2", report.Passed("uart-iir"));   // THRE pending, as the handler saw it
    }

    [Fact]
    public void A_uart_wired_to_irq_3_never_reaches_ioapic_pin_4()
    {
        var report = ProbeGuest.Run("irq-routing", "--memory", "16M",
            "--device", "uart16550,name=com1,port=0x3f8,irq=3,console=stdout");

        Assert.Equal(ProbeGuest.FailedExitCode, report.ExitCode);
        Assert.Equal("vector=0x34 count=0", report.Failed("uart-ioapic"));
        Assert.Equal("vector=0x28 count=4", report.Passed("rtc-pic"));
    }

    [Fact]
    public void An_rtc_wired_to_irq_5_reaches_neither_the_slave_pic_nor_ioapic_pin_8()
    {
        var report = ProbeGuest.Run("irq-routing", "--memory", "16M", "--device", "mc146818,name=rtc,port=0x70,irq=5");

        Assert.Equal(ProbeGuest.FailedExitCode, report.ExitCode);
        Assert.Equal("vector=0x28 count=0", report.Failed("rtc-pic"));
        Assert.Equal("vector=0x38 count=0", report.Failed("rtc-ioapic"));
        Assert.Equal("vector=0x34 count=4", report.Passed("uart-ioapic"));
    }
}
