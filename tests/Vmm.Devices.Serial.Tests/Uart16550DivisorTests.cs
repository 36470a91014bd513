using Microsoft.Extensions.Logging;
using static Vmm.Devices.Serial.Tests.Com1;

namespace Vmm.Devices.Serial.Tests;

/// <summary>The divisor latch: kept, reported to the host (a log line and <see cref="Uart16550.BaudRate"/>) when the guest changes it.</summary>
public sealed class Uart16550DivisorTests
{
    [Theory]
    [InlineData(1, 115200)]
    [InlineData(3, 38400)]
    [InlineData(12, 9600)]
    [InlineData(0x180, 300)]
    public void The_baud_rate_follows_the_divisor(ushort divisor, double baud)
    {
        using var vm = Create();

        vm.SetDivisor(divisor);

        var uart = vm.Device<Uart16550>("com1");
        Assert.Equal(divisor, uart.Divisor);
        Assert.Equal(baud, uart.BaudRate);
    }

    [Fact]
    public void A_change_is_logged_once_at_information_when_dlab_closes()
    {
        var logs = new RecordingLoggerFactory();
        using var vm = Create(b => b.WithLogging(logs));

        vm.Out8(LineControl, Dlab | EightNoneOne);
        vm.Out8(Data, 0x01);                                // DLL then DLM: not logged half-written
        vm.Out8(InterruptEnable, 0x00);
        Assert.Empty(logs.Entries);
        vm.Out8(LineControl, EightNoneOne);
        vm.SetDivisor(1);                                   // the same again: nothing new to report

        var entry = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal("com1: baud rate 115200 (divisor 1)", entry.Message);
    }

    [Fact]
    public void The_default_9600_baud_is_not_reported_as_a_change()
    {
        var logs = new RecordingLoggerFactory();
        using var vm = Create(b => b.WithLogging(logs));

        vm.SetDivisor(12);

        Assert.Empty(logs.Entries);
        Assert.Equal(9600, vm.Device<Uart16550>("com1").BaudRate);
    }
}
