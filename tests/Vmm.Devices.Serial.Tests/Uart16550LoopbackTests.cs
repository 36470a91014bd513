using static Vmm.Devices.Serial.Tests.Com1;

namespace Vmm.Devices.Serial.Tests;

/// <summary>
/// MCR's loopback mode (PC16550D, MCR bit 4): the transmitter wired to the receiver, the modem outputs to the modem
/// inputs (RTS to CTS, DTR to DSR, OUT1 to RI, OUT2 to DCD), and the console disconnected both ways.
/// </summary>
public sealed class Uart16550LoopbackTests
{
    [Theory]
    [InlineData(0x00, 0x00)]
    [InlineData(Rts, Cts)]
    [InlineData(Dtr, Dsr)]
    [InlineData(Out1, Ri)]
    [InlineData(Out2, Dcd)]
    [InlineData(Rts | Out2, Cts | Dcd)]                   // Linux's 8250 probe: MCR 0x1a reads MSR 0x90
    [InlineData(Dtr | Rts | Out1 | Out2, Cts | Dsr | Ri | Dcd)]
    public void Modem_outputs_are_looped_to_the_modem_inputs(byte outputs, byte inputs)
    {
        using var vm = Create();

        vm.Out8(ModemControl, (byte)(Loop | outputs));

        Assert.Equal(inputs, vm.In8(ModemStatus) & 0xf0);
    }

    [Fact]
    public void Outside_loopback_the_modem_inputs_are_a_connected_peer()
    {
        using var vm = Create();

        vm.Out8(ModemControl, 0);

        Assert.Equal(Cts | Dsr | Dcd, vm.In8(ModemStatus));
    }

    [Fact]
    public void Delta_bits_record_changes_until_msr_is_read_and_ri_only_its_trailing_edge()
    {
        using var vm = Create();
        vm.Out8(ModemControl, Loop);                        // CTS, DSR, DCD all drop
        Assert.Equal(DeltaCts | DeltaDsr | DeltaDcd, vm.In8(ModemStatus));
        Assert.Equal(0x00, vm.In8(ModemStatus));

        vm.Out8(ModemControl, Loop | Out1);                 // RI rises: no delta
        Assert.Equal(Ri, vm.In8(ModemStatus));
        vm.Out8(ModemControl, Loop);                        // RI falls: TERI
        Assert.Equal(TrailingRi, vm.In8(ModemStatus));
    }

    [Fact]
    public void Transmitted_bytes_are_received_and_never_reach_the_console()
    {
        using var vm = Create();
        vm.Out8(FifoControl, FifoEnable);
        vm.Out8(ModemControl, Loop);

        foreach (byte b in "loop"u8)
            vm.Out8(Data, b);

        Assert.Empty(vm.Console("com1").ReadOutput());
        var received = new List<byte>();
        while ((vm.In8(LineStatus) & DataReady) != 0)
            received.Add(vm.In8(Data));
        Assert.Equal("loop"u8.ToArray(), received.ToArray());
    }

    [Fact]
    public void Console_input_waits_while_the_receiver_is_looped_back()
    {
        using var vm = Create();
        vm.Out8(ModemControl, Loop | Out2);

        vm.Console("com1").WriteInput("typed");
        Assert.Equal(0, vm.In8(LineStatus) & DataReady);

        vm.Out8(ModemControl, Out2);
        Assert.Equal((byte)'t', vm.In8(Data));
    }

    [Fact]
    public void Seventeen_bytes_into_the_fifo_overrun_and_the_fifo_keeps_the_first_sixteen()
    {
        using var vm = Create();
        vm.Out8(FifoControl, FifoEnable);
        vm.Out8(ModemControl, Loop);

        for (int i = 0; i < 17; i++)
            vm.Out8(Data, (byte)i);

        byte status = vm.In8(LineStatus);
        Assert.Equal(OverrunError | DataReady, status & (OverrunError | DataReady));
        Assert.Equal(0, vm.In8(LineStatus) & OverrunError);  // reading LSR cleared it
        var received = new List<byte>();
        while ((vm.In8(LineStatus) & DataReady) != 0)
            received.Add(vm.In8(Data));
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (byte)i), received);
    }

    [Fact]
    public void A_break_sent_in_loopback_is_received_with_bi_and_the_fifo_error_bit()
    {
        using var vm = Create();
        vm.Out8(FifoControl, FifoEnable);
        vm.Out8(ModemControl, Loop);
        vm.Out8(Data, (byte)'x');

        vm.Out8(LineControl, EightNoneOne | SetBreak);
        vm.Out8(LineControl, EightNoneOne);

        // 'x' is at the top: no BI yet, but the FIFO holds an errored character (LSR bit 7).
        Assert.Equal(DataReady | FifoError | Thre | Temt, vm.In8(LineStatus));
        Assert.Equal((byte)'x', vm.In8(Data));
        // The break's zero character is at the top now: BI shows, once.
        Assert.Equal(DataReady | BreakInterrupt | FifoError | Thre | Temt, vm.In8(LineStatus));
        Assert.Equal(0, vm.In8(Data));
        Assert.Equal(Thre | Temt, vm.In8(LineStatus));
    }

    [Fact]
    public void Words_shorter_than_eight_bits_lose_their_high_bits_on_the_wire()
    {
        using var vm = Create();
        vm.Out8(ModemControl, Loop);
        vm.Out8(LineControl, 0x02);                          // 7 data bits

        vm.Out8(Data, 0xff);

        Assert.Equal(0x7f, vm.In8(Data));
    }

    [Fact]
    public void Fcr_resets_the_receiver_and_turning_the_fifos_off_empties_them()
    {
        using var vm = Create();
        vm.Out8(FifoControl, FifoEnable);
        vm.Out8(ModemControl, Loop);
        vm.Out8(Data, 1);
        vm.Out8(Data, 2);

        vm.Out8(FifoControl, FifoEnable | ResetReceiver | ResetTransmitter);
        Assert.Equal(0, vm.In8(LineStatus) & DataReady);

        vm.Out8(Data, 3);
        vm.Out8(FifoControl, 0);
        Assert.Equal(0, vm.In8(LineStatus) & DataReady);
        Assert.Equal(NonePending, vm.In8(InterruptId));      // FIFOs off: IIR bits 6-7 clear
    }
}
