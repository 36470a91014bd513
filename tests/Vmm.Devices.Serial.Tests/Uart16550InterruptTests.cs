using Vmm.Sdk.Testing;
using static Vmm.Devices.Serial.Tests.Com1;

namespace Vmm.Devices.Serial.Tests;

/// <summary>
/// IER, IIR and the interrupt line: the priorities and clearing rules of the PC16550D's "Interrupt Control Functions"
/// table, and OUT2 gating the line as a PC board does.
/// </summary>
public sealed class Uart16550InterruptTests
{
    private static InterruptLineChange[] Changes(TestVm vm) => [.. vm.Irq(Irq).Log.Select(e => e.Change)];

    [Fact]
    public void Enabling_thre_with_an_empty_holding_register_interrupts_and_reading_iir_clears_it()
    {
        using var vm = Create();

        vm.Out8(InterruptEnable, TransmitterEmptyInterrupt);

        Assert.True(vm.Irq(Irq).IsRaised);
        Assert.Equal(ThrePending, vm.In8(InterruptId));
        Assert.False(vm.Irq(Irq).IsRaised);
        Assert.Equal(NonePending, vm.In8(InterruptId));
    }

    [Fact]
    public void Writing_thr_clears_thre_and_the_emptied_register_raises_it_again_one_edge_per_byte()
    {
        using var vm = Create();
        vm.Out8(InterruptEnable, TransmitterEmptyInterrupt);
        vm.Irq(Irq).ClearLog();

        vm.Out8(Data, (byte)'a');
        vm.Out8(Data, (byte)'b');

        Assert.Equal([InterruptLineChange.Lowered, InterruptLineChange.Raised, InterruptLineChange.Lowered, InterruptLineChange.Raised], Changes(vm));
        Assert.Equal("ab", vm.Console("com1").ReadOutputText());
        Assert.Equal(ThrePending, vm.In8(InterruptId));
    }

    [Fact]
    public void Reading_iir_clears_thre_only_when_thre_is_what_it_reports()
    {
        using var vm = Create();
        vm.Console("com1").WriteInput("x");
        vm.Out8(InterruptEnable, ReceivedDataInterrupt | TransmitterEmptyInterrupt);

        Assert.Equal(DataPending, vm.In8(InterruptId));   // data outranks THRE: THRE stays pending
        vm.In8(Data);
        Assert.Equal(ThrePending, vm.In8(InterruptId));
        Assert.Equal(NonePending, vm.In8(InterruptId));
    }

    [Fact]
    public void Out2_gates_the_line_while_iir_still_reports_the_interrupt()
    {
        using var vm = Create();
        vm.Out8(ModemControl, Dtr | Rts);                 // OUT2 clear

        vm.Out8(InterruptEnable, ReceivedDataInterrupt);
        vm.Console("com1").WriteInput("x");
        Assert.False(vm.Irq(Irq).IsRaised);
        Assert.Empty(vm.Irq(Irq).Log);

        vm.Out8(ModemControl, Dtr | Rts | Out2);
        Assert.True(vm.Irq(Irq).IsRaised);
        vm.Out8(ModemControl, Dtr | Rts);
        Assert.False(vm.Irq(Irq).IsRaised);
        Assert.Equal(DataPending, vm.In8(InterruptId));
    }

    [Fact]
    public void Console_input_raises_received_data_in_16450_mode_and_reading_rbr_lowers_it()
    {
        using var vm = Create();
        vm.Out8(InterruptEnable, ReceivedDataInterrupt);
        Assert.False(vm.Irq(Irq).IsRaised);

        vm.Console("com1").WriteInput("hi");

        Assert.True(vm.Irq(Irq).IsRaised);
        Assert.Equal(DataPending, vm.In8(InterruptId));
        Assert.Equal((byte)'h', vm.In8(Data));
        Assert.True(vm.Irq(Irq).IsRaised);                // 'i' moved into the RBR as it emptied
        Assert.Equal((byte)'i', vm.In8(Data));
        Assert.False(vm.Irq(Irq).IsRaised);
        Assert.Equal(NonePending, vm.In8(InterruptId));
    }

    [Theory]
    [InlineData(0x00, 1)]
    [InlineData(0x40, 4)]
    [InlineData(0x80, 8)]
    [InlineData(0xc0, 14)]
    public void Received_data_interrupts_at_the_fifo_trigger_level_and_clears_below_it(byte triggerBits, int level)
    {
        using var vm = Create();
        vm.Out8(FifoControl, (byte)(FifoEnable | triggerBits));
        vm.Out8(InterruptEnable, ReceivedDataInterrupt);

        vm.Console("com1").WriteInput(new string('a', level - 1));
        Assert.False(vm.Irq(Irq).IsRaised);
        Assert.Equal(FifosOn | NonePending, vm.In8(InterruptId));

        vm.Console("com1").WriteInput("b");
        Assert.True(vm.Irq(Irq).IsRaised);
        Assert.Equal(FifosOn | DataPending, vm.In8(InterruptId));

        vm.In8(Data);
        Assert.False(vm.Irq(Irq).IsRaised);
        Assert.Equal(level > 1 ? DataReady : 0, vm.In8(LineStatus) & DataReady);
    }

    [Fact]
    public void Character_timeout_fires_after_four_character_times_below_the_trigger_level()
    {
        using var vm = Create();
        vm.SetDivisor(1);                                  // 115200 baud, 8N1: 10 bits, 86.8 us a character
        vm.Out8(FifoControl, FifoEnable | 0xc0);           // trigger at 14
        vm.Out8(InterruptEnable, ReceivedDataInterrupt);
        var fourCharacters = TimeSpan.FromTicks(3472);     // 4 * 10 bits * 16 clocks / 1.8432 MHz

        vm.Console("com1").WriteInput("abc");
        vm.Clock.Advance(fourCharacters - TimeSpan.FromTicks(10));
        Assert.False(vm.Irq(Irq).IsRaised);
        vm.Clock.Advance(TimeSpan.FromTicks(10));
        Assert.True(vm.Irq(Irq).IsRaised);
        Assert.Equal(fourCharacters, vm.Irq(Irq).Log[0].Elapsed);
        Assert.Equal(FifosOn | TimeoutPending, vm.In8(InterruptId));

        Assert.Equal((byte)'a', vm.In8(Data));             // a read clears the timeout and restarts it
        Assert.False(vm.Irq(Irq).IsRaised);
        vm.Clock.Advance(fourCharacters);
        Assert.True(vm.Irq(Irq).IsRaised);

        vm.In8(Data);
        vm.In8(Data);                                       // empty: no more timeouts
        vm.Clock.Advance(fourCharacters * 3);
        Assert.False(vm.Irq(Irq).IsRaised);
        Assert.Equal(FifosOn | NonePending, vm.In8(InterruptId));
    }

    [Fact]
    public void The_timeout_follows_the_divisor_and_frame()
    {
        using var vm = Create();
        vm.SetDivisor(12, lineControl: 0x0f);              // 9600 baud, 8 bits, parity, 2 stop bits: 12 bits
        vm.Out8(FifoControl, FifoEnable | 0xc0);
        vm.Out8(InterruptEnable, ReceivedDataInterrupt);

        vm.Console("com1").WriteInput("a");
        vm.Clock.Advance(TimeSpan.FromMilliseconds(4.99));  // 4 * 12 / 9600 s = 5 ms
        Assert.False(vm.Irq(Irq).IsRaised);
        vm.Clock.Advance(TimeSpan.FromMilliseconds(0.01));
        Assert.True(vm.Irq(Irq).IsRaised);
    }

    [Fact]
    public void Interrupts_are_reported_in_priority_order_each_cleared_its_own_way()
    {
        using var vm = Create();
        vm.Out8(ModemControl, Loop | Out2);
        vm.In8(ModemStatus);                                // the deltas of entering loopback
        vm.Out8(Data, (byte)'1');
        vm.Out8(Data, (byte)'2');                           // 16450 mode: overrun
        vm.Out8(ModemControl, Loop | Out2 | Rts);           // CTS changes
        vm.Out8(InterruptEnable, 0x0f);

        Assert.Equal(LineStatusPending, vm.In8(InterruptId));
        Assert.Equal(OverrunError, vm.In8(LineStatus) & OverrunError);
        Assert.Equal(DataPending, vm.In8(InterruptId));
        Assert.Equal((byte)'2', vm.In8(Data));              // 16450 mode: the newer character replaced the older
        Assert.Equal(ThrePending, vm.In8(InterruptId));
        Assert.Equal(ModemPending, vm.In8(InterruptId));
        Assert.True(vm.Irq(Irq).IsRaised);
        Assert.Equal(Cts | Dcd | DeltaCts, vm.In8(ModemStatus));
        Assert.Equal(NonePending, vm.In8(InterruptId));
        Assert.False(vm.Irq(Irq).IsRaised);
    }

    [Fact]
    public void Nothing_is_raised_while_every_interrupt_is_disabled()
    {
        using var vm = Create();

        vm.Out8(Data, (byte)'a');
        vm.Console("com1").WriteInput("b");
        vm.Out8(ModemControl, Loop | Out2 | Rts | Dtr);
        vm.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Empty(vm.Irq(Irq).Log);
        Assert.Equal(NonePending, vm.In8(InterruptId));
    }
}
