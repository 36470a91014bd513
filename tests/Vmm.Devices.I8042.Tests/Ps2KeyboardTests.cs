using static Vmm.Devices.I8042.Tests.Kbc;

namespace Vmm.Devices.I8042.Tests;

/// <summary>The PS/2 keyboard behind port 0x60: commands and their replies, as the keyboard's command set defines them.</summary>
public sealed class Ps2KeyboardTests
{
    public static TheoryData<byte[], byte[]> Exchanges() => new()
    {
        { [0xff], [Ack, Bat] },                      // reset: ACK, then the self test passed
        { [0xf2], [Ack, 0xab, 0x83] },               // identify: an MF2 keyboard
        { [0xf4], [Ack] },                           // enable scanning
        { [0xf5], [Ack] },                           // disable scanning
        { [0xf6], [Ack] },                           // set defaults
        { [0xed, 0x07], [Ack, Ack] },                // LEDs, then their bits
        { [0xf3, 0x20], [Ack, Ack] },                // typematic rate and delay
        { [0xf0, 0x00], [Ack, Ack, 0x02] },          // get scancode set: 2
        { [0xf0, 0x01, 0xf0, 0x00], [Ack, Ack, Ack, Ack, 0x01] },
        { [0xf0, 0x07], [Ack, Resend] },             // no set 7
        { [0xee], [0xee] },                          // echo
        { [0x01], [Resend] },                        // not a command
        { [0xf4, 0xfe], [Ack, Ack] },                // resend repeats the last byte
    };

    [Theory]
    [MemberData(nameof(Exchanges))]
    public void Commands_are_answered(byte[] sent, byte[] replies)
    {
        using var vm = Create();

        foreach (byte b in sent)
            vm.Out8(Data, b);

        Assert.Equal(replies, vm.Drain());
    }

    [Fact]
    public void With_translation_on_the_id_and_set_number_come_back_translated()
    {
        using var vm = Create();
        vm.WriteCommandByte(KbdInt | Xlate);

        vm.Out8(Data, 0xf2);
        vm.Out8(Data, 0xf0);
        vm.Out8(Data, 0x00);

        Assert.Equal([Ack, 0xab, 0x41, Ack, Ack, 0x41], vm.Drain());
    }

    [Fact]
    public void Sending_to_the_keyboard_re_enables_its_port()
    {
        using var vm = Create();
        vm.Out8(Command, 0xad);

        vm.Out8(Data, 0xf4);

        Assert.Equal([Ack], vm.Drain());
        Assert.Equal(0, vm.CommandWithReply(0x20) & KbdDis);
    }
}
