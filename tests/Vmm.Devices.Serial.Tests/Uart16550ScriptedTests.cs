using Vmm.Devices.Serial;
using Vmm.Sdk.Testing;

namespace Vmm.Devices.Serial.Tests;

/// <summary>
/// The 16550A driven as a guest's driver would drive it, through a test VM built like a real one: the plugin, the
/// instance's options, the port bus and the exit pipeline. Register names and bits are the PC16550D datasheet's,
/// written out here so that a wrong constant in the device fails a test.
/// </summary>
public sealed class Uart16550ScriptedTests
{
    private const ushort Com1 = 0x3f8;
    private const ushort Data = Com1 + 0, InterruptEnable = Com1 + 1, LineControl = Com1 + 3, LineStatus = Com1 + 5, Scratch = Com1 + 7;
    private const ushort DivisorLow = Com1 + 0, DivisorHigh = Com1 + 1;
    private const byte DivisorLatchAccess = 0x80, EightNoneOne = 0x03;
    private const byte DataReady = 0x01, TransmitterHoldingEmpty = 0x20, TransmitterEmpty = 0x40;

    private static TestVm CreateCom1() =>
        TestVm.Create(b => b.AddPlugin<SerialPlugin>().AddDevice("uart16550", "com1", new { Port = Com1, Irq = 4 }));

    [Fact]
    public void The_divisor_latch_is_behind_dlab_and_reads_back()
    {
        using var vm = CreateCom1();

        vm.Out8(LineControl, DivisorLatchAccess);
        vm.Out8(DivisorLow, 0x01);                  // 115200 baud
        vm.Out8(DivisorHigh, 0x00);

        Assert.Equal(0x01, vm.In8(DivisorLow));
        Assert.Equal(0x00, vm.In8(DivisorHigh));
        vm.Out8(LineControl, EightNoneOne);         // DLAB off: offsets 0 and 1 are THR/RBR and IER again
        Assert.Equal(0x00, vm.In8(InterruptEnable));
        Assert.Empty(vm.Console("com1").ReadOutput()); // the divisor writes were not transmitted
        vm.Out8(LineControl, DivisorLatchAccess);
        Assert.Equal(0x01, vm.In8(DivisorLow));      // and the latch kept its value
    }

    [Fact]
    public void The_divisor_defaults_to_9600_baud()
    {
        using var vm = CreateCom1();

        vm.Out8(LineControl, DivisorLatchAccess);

        Assert.Equal((12, 0), (vm.In8(DivisorLow), vm.In8(DivisorHigh)));
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x5a)]
    [InlineData(0xa5)]
    [InlineData(0xff)]
    public void The_scratch_register_keeps_what_was_written(byte value)
    {
        using var vm = CreateCom1();

        vm.Out8(Scratch, value);

        Assert.Equal(value, vm.In8(Scratch));
    }

    [Fact]
    public void Line_status_says_the_transmitter_is_empty_and_nothing_was_received()
    {
        using var vm = CreateCom1();

        Assert.Equal(TransmitterHoldingEmpty | TransmitterEmpty, vm.In8(LineStatus));
    }

    [Fact]
    public void Transmitted_bytes_reach_the_console_output_byte_exact()
    {
        using var vm = CreateCom1();
        var every = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        foreach (var value in every)
            vm.Out8(Data, value);

        Assert.Equal(every, vm.Console("com1").ReadOutput());
        Assert.Equal(TransmitterHoldingEmpty | TransmitterEmpty, vm.In8(LineStatus) & (TransmitterHoldingEmpty | TransmitterEmpty));
    }

    [Fact]
    public void String_output_is_transmitted_in_order()
    {
        using var vm = CreateCom1();

        vm.OutString(Data, "rep outsb\n"u8);

        Assert.Equal("rep outsb\n", vm.Console("com1").ReadOutputText());
        var exit = Assert.Single(vm.Exits);
        Assert.Equal(10, exit.Count);
    }

    [Fact]
    public void Console_input_is_received_with_data_ready()
    {
        using var vm = CreateCom1();

        vm.Console("com1").Input.Write("hi"u8);

        Assert.Equal(DataReady, vm.In8(LineStatus) & DataReady);
        Assert.Equal((byte)'h', vm.In8(Data));
        Assert.Equal(DataReady, vm.In8(LineStatus) & DataReady);
        Assert.Equal((byte)'i', vm.In8(Data));
        Assert.Equal(0, vm.In8(LineStatus) & DataReady);
    }

    [Fact]
    public void Input_that_arrives_later_is_received_later()
    {
        using var vm = CreateCom1();
        Assert.Equal(0, vm.In8(LineStatus) & DataReady);

        vm.Console("com1").WriteInput("x");

        Assert.Equal(DataReady, vm.In8(LineStatus) & DataReady);
        Assert.Equal((byte)'x', vm.In8(Data));
    }

    [Fact]
    public void A_second_uart_at_a_hex_port_from_its_options_is_independent()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<SerialPlugin>()
            .AddDevice("uart16550", "com1", new { Port = Com1 })
            .AddDevice("uart16550", "com2", new { Port = "0x2f8", Irq = 3 }));

        vm.Out8(0x2f8, (byte)'2');
        vm.Out8(Com1, (byte)'1');

        Assert.Equal("1", vm.Console("com1").ReadOutputText());
        Assert.Equal("2", vm.Console("com2").ReadOutputText());
        Assert.Equal(Com1, (ushort)vm.Ranges("com1")[0].Base);
    }

    [Fact]
    public void The_uart_claims_exactly_its_eight_ports()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<SerialPlugin>().AddDevice("uart16550", "com1", new { Port = Com1 })
            .WithUnhandledAccess(UnhandledAccessPolicy.Fail));

        vm.In8(Com1 + 7);
        var error = Assert.Throws<UnhandledAccessException>(() => vm.In8(Com1 + 8));

        Assert.Contains("port 0x400", error.Message);
        Assert.Equal(8ul, vm.Ranges("com1").Single().Length);
    }
}
