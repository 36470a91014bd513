using static Vmm.Devices.Serial.Tests.Com1;

namespace Vmm.Devices.Serial.Tests;

/// <summary>
/// What Linux's 8250 driver (drivers/tty/serial/8250/8250_port.c) does to a port before it trusts it, replayed access
/// by access: autoconfig's IER and loopback tests, the FIFO probe that tells a 16550A from older parts, the checks
/// for 16650/16750/XScale/NatSemi variants a 16550A must fail, and serial8250_do_startup's THRE checks.
/// </summary>
public sealed class LinuxProbeTests
{
    [Fact]
    public void Autoconfig_finds_a_16550A()
    {
        using var vm = Create();

        // IER test: bits 0-3 writable, read back 0 then 0x0f.
        byte savedIer = vm.In8(InterruptEnable);
        vm.Out8(InterruptEnable, 0);
        Assert.Equal(0, vm.In8(InterruptEnable) & 0x0f);
        vm.Out8(InterruptEnable, 0x0f);
        Assert.Equal(0x0f, vm.In8(InterruptEnable) & 0x0f);
        vm.Out8(InterruptEnable, savedIer);

        // Loopback test: MCR LOOP | 0x0a (RTS, OUT2) must read MSR inputs 0x90 (CTS, DCD).
        byte savedMcr = vm.In8(ModemControl);
        byte savedLcr = vm.In8(LineControl);
        vm.Out8(ModemControl, Loop | 0x0a);
        Assert.Equal(0x90, vm.In8(ModemStatus) & 0xf0);
        vm.Out8(ModemControl, savedMcr);

        // FIFO probe: LCR 0xbf, offset 2 written 0 (EFR on a 16650, FCR here), LCR 0, FCR enable, IIR >> 6 == 3.
        vm.Out8(LineControl, 0xbf);
        vm.Out8(FifoControl, 0);
        vm.Out8(LineControl, 0);
        vm.Out8(FifoControl, FifoEnable);
        Assert.Equal(3, vm.In8(InterruptId) >> 6);

        // autoconfig_16550a: no EFR behind LCR 0x80 or 0xbf (offset 2 reads IIR, never 0).
        vm.Out8(LineControl, 0x80);
        Assert.NotEqual(0, vm.In8(InterruptId));
        vm.Out8(LineControl, 0xbf);
        Assert.NotEqual(0, vm.In8(InterruptId));

        // Not a NatSemi SuperIO: offset 2 under LCR 0xe0 does not follow MCR's LOOP bit.
        vm.Out8(LineControl, 0);
        byte mcr = vm.In8(ModemControl);
        vm.Out8(LineControl, 0xe0);
        byte excr1 = vm.In8(InterruptId);
        Assert.Equal(0, (excr1 ^ mcr) & Loop);
        vm.Out8(LineControl, 0);
        vm.Out8(ModemControl, (byte)(mcr ^ Loop));
        vm.Out8(LineControl, 0xe0);
        excr1 = vm.In8(InterruptId);
        vm.Out8(LineControl, 0);
        vm.Out8(ModemControl, mcr);
        Assert.Equal(0, (excr1 ^ mcr) & Loop);

        // Not a 16750: FCR bit 5 (64-byte FIFO) does not show as IIR bit 5, with or without DLAB.
        vm.Out8(LineControl, 0);
        vm.Out8(FifoControl, FifoEnable | 0x20);
        int status1 = vm.In8(InterruptId) >> 5;
        vm.Out8(FifoControl, FifoEnable);
        vm.Out8(LineControl, 0x80);
        vm.Out8(FifoControl, FifoEnable | 0x20);
        int status2 = vm.In8(InterruptId) >> 5;
        vm.Out8(FifoControl, FifoEnable);
        vm.Out8(LineControl, 0);
        Assert.Equal((6, 6), (status1, status2));

        // Not an XScale: IER bit 6 (UUE) does not stick.
        byte ier = vm.In8(InterruptEnable);
        vm.Out8(InterruptEnable, (byte)(ier | 0x40));
        Assert.Equal(0, vm.In8(InterruptEnable) & 0x40);
        vm.Out8(InterruptEnable, ier);

        // Reset as autoconfig ends, then serial8250_do_startup's clearing reads: LSR, RX, IIR, MSR. LSR then reads a
        // sane value (its "LSR safety check" refuses 0xff) with the transmitter empty. (The NatSemi probe set LCR
        // 0xe0, whose bit 6 is a break, while LOOP was on: a real part receives that break too, and these reads clear it.)
        vm.Out8(LineControl, savedLcr);
        vm.Out8(ModemControl, savedMcr);
        vm.Out8(FifoControl, FifoEnable);
        vm.Out8(FifoControl, FifoEnable | ResetReceiver | ResetTransmitter);
        vm.Out8(FifoControl, 0);
        vm.In8(Data);
        vm.In8(LineStatus);
        vm.In8(Data);
        vm.In8(InterruptId);
        vm.In8(ModemStatus);
        Assert.Equal(Thre | Temt, vm.In8(LineStatus));
        Assert.Empty(vm.Console("com1").ReadOutput());
    }

    [Fact]
    public void Startup_thre_checks_see_the_interrupt_each_time_thri_is_enabled()
    {
        using var vm = Create();
        vm.Out8(ModemControl, Dtr | Rts | Out2);

        // UART_BUG_THRE: enable THRI, read IIR; disable, enable again, read IIR: pending both times.
        Assert.Equal(Thre | Temt, vm.In8(LineStatus) & (Thre | Temt));
        vm.Out8(InterruptEnable, TransmitterEmptyInterrupt);
        byte iir1 = vm.In8(InterruptId);
        vm.Out8(InterruptEnable, 0);
        vm.Out8(InterruptEnable, TransmitterEmptyInterrupt);
        byte iir = vm.In8(InterruptId);
        vm.Out8(InterruptEnable, 0);
        Assert.Equal(ThrePending, iir1);
        Assert.Equal(ThrePending, iir);

        // UART_BUG_TXEN: enable THRI, read LSR then IIR: the interrupt is there.
        vm.Out8(InterruptEnable, TransmitterEmptyInterrupt);
        byte lsr = vm.In8(LineStatus);
        iir = vm.In8(InterruptId);
        vm.Out8(InterruptEnable, 0);
        Assert.Equal(Temt, lsr & Temt);
        Assert.Equal(0, iir & NonePending);
        Assert.Equal(3, vm.Irq(Irq).RaiseCount);             // one raise per THRI enable, each cleared by its IIR read
        Assert.False(vm.Irq(Irq).IsRaised);
    }
}
