using Vmm.Core.Machine;
using Vmm.Sdk.Testing;
using static Vmm.Devices.I8042.Tests.Kbc;

namespace Vmm.Devices.I8042.Tests;

/// <summary>The controller's status register, command byte and commands through ports 0x60 and 0x64.</summary>
public sealed class I8042ControllerTests
{
    [Fact]
    public void At_power_on_the_output_buffer_is_empty_and_the_keyboard_unlocked()
    {
        using var vm = Create();

        Assert.Equal(Unlocked, vm.Status());
        Assert.Equal(KbdInt | AuxInt, vm.CommandWithReply(0x20));
    }

    [Fact]
    public void The_self_test_replies_0x55_and_sets_the_system_flag()
    {
        using var vm = Create();

        vm.Out8(Command, 0xaa);

        Assert.Equal(Obf | Sys | A2 | Unlocked, vm.Status());
        Assert.Equal(0x55, vm.In8(Data));
        Assert.Equal(Sys | A2 | Unlocked, vm.Status());
        Assert.Equal(SysFlag, vm.CommandWithReply(0x20) & SysFlag);
    }

    [Theory]
    [InlineData(0xa9, 0x00)]    // aux interface test: no error
    [InlineData(0xab, 0x00)]    // keyboard interface test: no error
    [InlineData(0xc0, 0x80)]    // input port: keyboard not inhibited
    [InlineData(0xe0, 0x00)]    // test inputs
    [InlineData(0xd0, 0x03)]    // output port: reset line high, A20 on
    public void Commands_with_a_reply_put_it_in_the_output_buffer(byte command, byte reply)
    {
        using var vm = Create();

        Assert.Equal(reply, vm.CommandWithReply(command));
        Assert.Equal(0, vm.Status() & Obf);
    }

    [Fact]
    public void The_command_byte_is_written_through_0x60_and_its_bit_2_is_the_system_flag()
    {
        using var vm = Create();

        vm.WriteCommandByte(0x65);

        Assert.Equal(0, vm.Status() & A2);                  // the last write went to the data port
        Assert.Equal(Sys, vm.Status() & Sys);
        Assert.Equal(0x65, vm.CommandWithReply(0x20));
        vm.WriteCommandByte(0x61);
        Assert.Equal(0, vm.Status() & Sys);
    }

    [Fact]
    public void The_rest_of_the_controller_ram_is_reached_by_0x21_0x3f_and_0x61_0x7f()
    {
        using var vm = Create();

        vm.Out8(Command, 0x7f);
        vm.Out8(Data, 0x5a);

        Assert.Equal(0x5a, vm.CommandWithReply(0x3f));
        Assert.Equal(KbdInt | AuxInt, vm.CommandWithReply(0x20));
    }

    [Theory]
    [InlineData(0xad, KbdDis, KbdDis)]
    [InlineData(0xae, KbdDis, 0)]
    [InlineData(0xa7, AuxDis, AuxDis)]
    [InlineData(0xa8, AuxDis, 0)]
    public void Port_enable_and_disable_commands_set_the_command_byte(byte command, byte bit, byte expected)
    {
        using var vm = Create();
        vm.WriteCommandByte(command is 0xae or 0xa8 ? (byte)(KbdInt | bit) : KbdInt);

        vm.Out8(Command, command);

        Assert.Equal(expected, vm.CommandWithReply(0x20) & bit);
    }

    [Fact]
    public void Writing_keyboard_output_raises_irq_1_and_aux_output_raises_irq_12_with_aux_obf()
    {
        using var vm = Create();

        vm.Out8(Command, 0xd2);
        vm.Out8(Data, 0x1c);
        Assert.Equal(Obf, vm.Status() & (Obf | AuxObf));
        Assert.True(vm.Irq(KeyboardIrq).IsRaised);
        Assert.False(vm.Irq(AuxIrq).IsRaised);
        Assert.Equal(0x1c, vm.In8(Data));
        Assert.False(vm.Irq(KeyboardIrq).IsRaised);

        vm.Out8(Command, 0xd3);
        vm.Out8(Data, 0xa5);
        Assert.Equal(Obf | AuxObf, vm.Status() & (Obf | AuxObf));
        Assert.True(vm.Irq(AuxIrq).IsRaised);
        Assert.False(vm.Irq(KeyboardIrq).IsRaised);
        Assert.Equal(0xa5, vm.In8(Data));
        Assert.False(vm.Irq(AuxIrq).IsRaised);
    }

    [Fact]
    public void Interrupts_follow_the_command_byte_enables()
    {
        using var vm = Create();
        vm.WriteCommandByte(0);                              // no interrupts

        vm.Out8(Command, 0xaa);
        vm.Out8(Command, 0xd3);
        vm.Out8(Data, 0x01);
        Assert.Empty(vm.Irq(KeyboardIrq).Log);
        Assert.Empty(vm.Irq(AuxIrq).Log);
        Assert.Equal([0x55, 0x01], vm.Drain());
    }

    [Fact]
    public void Each_byte_waiting_makes_its_own_edge()
    {
        using var vm = Create();

        vm.Out8(Data, 0xf2);                                 // keyboard identify: three bytes
        Assert.Equal([Ack, 0xab, 0x83], vm.Drain());

        Assert.Equal(3, vm.Irq(KeyboardIrq).RaiseCount);
        Assert.Equal(
            [InterruptLineChange.Raised, InterruptLineChange.Lowered, InterruptLineChange.Raised, InterruptLineChange.Lowered, InterruptLineChange.Raised, InterruptLineChange.Lowered],
            vm.Irq(KeyboardIrq).Log.Select(e => e.Change));
    }

    [Fact]
    public void Keyboard_data_waits_while_the_keyboard_port_is_disabled()
    {
        using var vm = Create();
        vm.Out8(Command, 0xad);

        vm.Out8(Command, 0xd2);
        vm.Out8(Data, 0x2a);
        Assert.Equal(0, vm.Status() & Obf);

        vm.Out8(Command, 0xae);
        Assert.Equal([0x2a], vm.Drain());
    }

    [Fact]
    public void A_byte_for_the_empty_aux_port_times_out_with_0xfe()
    {
        using var vm = Create();

        vm.Out8(Command, 0xd4);
        vm.Out8(Data, 0xff);                                 // mouse reset, to nobody

        Assert.Equal(Obf | AuxObf | TimedOut, vm.Status() & (Obf | AuxObf | TimedOut));
        Assert.Equal(Resend, vm.In8(Data));
        Assert.Equal(0, vm.Status() & (Obf | TimedOut));
    }

    [Fact]
    public void Input_is_taken_at_once_so_ibf_never_shows()
    {
        using var vm = Create();

        vm.Out8(Command, 0x60);
        Assert.Equal(0, vm.Status() & Ibf);
        vm.Out8(Data, 0x03);
        Assert.Equal(0, vm.Status() & Ibf);
    }

    [Theory]
    [InlineData(0xfe)]
    [InlineData(0xf0)]
    [InlineData(0xfa)]
    public void Pulsing_the_reset_line_resets_the_machine(byte command)
    {
        using var vm = Create();

        vm.Out8(Command, command);

        Assert.Equal(VmStopKind.Reset, vm.Status?.Kind);
    }

    [Theory]
    [InlineData(0xff)]
    [InlineData(0xf1)]                                       // bit 0 set: the reset line is not pulsed
    public void Pulses_that_leave_the_reset_line_alone_do_nothing(byte command)
    {
        using var vm = Create();

        vm.Out8(Command, command);

        Assert.Null(vm.Status);
        Assert.Equal(0, vm.Status() & Obf);
    }

    [Fact]
    public void Writing_the_output_port_with_bit_0_clear_resets_and_with_it_set_does_not()
    {
        using var vm = Create();

        vm.Out8(Command, 0xd1);
        vm.Out8(Data, 0x03);
        Assert.Null(vm.Status);
        Assert.Equal(0x03, vm.CommandWithReply(0xd0) & 0x03);

        vm.Out8(Command, 0xd1);
        vm.Out8(Data, 0x02);
        Assert.Equal(VmStopKind.Reset, vm.Status?.Kind);
    }

    [Fact]
    public void An_unknown_command_is_ignored()
    {
        using var vm = Create();

        vm.Out8(Command, 0xc8);

        Assert.Equal(0, vm.Status() & Obf);
        Assert.Null(vm.Status);
    }
}
