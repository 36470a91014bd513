using Vmm.Machine.Tests.Support;

namespace Vmm.Machine.Tests;

/// <summary>
/// COM1 from inside a multiboot kernel (tests/Guests/probes/uart.c): Linux's loopback autodetection, FIFOs, overrun,
/// divisor latch and THRE in IIR, and the THRE interrupt through the PIC (KVM's in-kernel one, the emulator's own) on each
/// backend.
/// </summary>
public sealed class UartProbeTests
{
    [Theory]
    [InlineData("kvm")]
    [InlineData("emulator")]
    public void Loopback_fifos_and_registers_behave_as_a_16550A(string backend)
    {
        var report = ProbeGuest.RunOn(backend, "uart", "--memory", "16M");

        report.AssertAllPassed();
        Assert.Equal("0x90", report.Passed("loopback-msr"));          // MCR 0x1a in loopback: CTS and DCD
        Assert.Equal("iir=0xc1", report.Passed("fifos-enabled"));
        Assert.Equal("16550A", report.Passed("loopback-data"));
        Assert.Equal("lsr=0x63", report.Passed("overrun"));           // DR, OE, THRE, TEMT
        Assert.Equal("16", report.Passed("fifo-depth"));
        Assert.Equal("1", report.Passed("divisor-latch"));
        Assert.Equal("0x2 then 0x1", report.Passed("thre-iir"));
    }

    [Theory]
    [InlineData("kvm")]
    [InlineData("emulator")]
    public void The_thre_interrupt_reaches_the_guest_through_the_pic_on_irq_4(string backend)
    {
        var report = ProbeGuest.RunOn(backend, "uart", "--memory", "16M", "--cmdline", "irq");

        report.AssertAllPassed();
        Assert.Equal("count=2 iir=0x2", report.Passed("thre-interrupt"));
    }

    [Theory]
    [InlineData("kvm")]
    [InlineData("emulator")]
    public void A_uart_wired_to_another_irq_fails_the_interrupt_check(string backend)
    {
        var report = ProbeGuest.RunOn(backend, "uart", "--memory", "16M", "--cmdline", "irq",
            "--device", "uart16550,name=com1,port=0x3f8,irq=3,console=stdout");

        Assert.Equal("count=0 iir=0x0", report.Failed("thre-interrupt"));
    }
}
