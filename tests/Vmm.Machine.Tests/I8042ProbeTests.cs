using Vmm.Machine.Tests.Support;

namespace Vmm.Machine.Tests;

/// <summary>
/// The keyboard controller from inside a multiboot kernel (tests/Guests/probes/i8042.c), as Linux's i8042 and atkbd
/// probe it, and the keyboard's bytes by IRQ 1 through the PIC (KVM's in-kernel one, the emulator's own), on each backend.
/// </summary>
public sealed class I8042ProbeTests
{
    [Theory]
    [InlineData("kvm")]
    [InlineData("emulator")]
    public void The_controller_and_keyboard_answer_linuxs_probe(string backend)
    {
        var report = ProbeGuest.RunOn(backend, "i8042", "--memory", "16M", "--device", "i8042");

        report.AssertAllPassed();
        Assert.Equal("0x55", report.Passed("self-test"));
        Assert.Equal("0x4", report.Passed("command-byte"));              // system flag kept, interrupts off
        Assert.Equal("0x5a status=0x35", report.Passed("aux-loopback")); // OBF, SYS, unlocked, aux data
        Assert.Equal("fa aa", report.Passed("keyboard-reset"));
        Assert.Equal("fa ab 83", report.Passed("keyboard-identify"));
    }

    [Theory]
    [InlineData("kvm")]
    [InlineData("emulator")]
    public void The_keyboards_bytes_arrive_one_interrupt_each_on_irq_1(string backend)
    {
        var report = ProbeGuest.RunOn(backend, "i8042", "--memory", "16M", "--device", "i8042", "--cmdline", "irq");

        report.AssertAllPassed();
        Assert.Equal("3: fa ab 83", report.Passed("identify-by-irq"));
    }

    [Fact]
    public void Without_a_controller_the_probe_fails()
    {
        // No machine devices (the pc machine brings an i8042), only COM1 for the report.
        var report = ProbeGuest.RunOn("emulator", "i8042", "--memory", "16M", "--machine", "none",
            "--device", "uart16550,name=com1,port=0x3f8,irq=4,console=stdout");

        Assert.Equal("0xff", report.Failed("self-test"));       // an unclaimed port reads all-ones
    }
}
