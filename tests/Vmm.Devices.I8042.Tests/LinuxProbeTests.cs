using static Vmm.Devices.I8042.Tests.Kbc;

namespace Vmm.Devices.I8042.Tests;

/// <summary>
/// What Linux's i8042 driver (drivers/input/serio/i8042.c) and atkbd do to the controller at boot, replayed: flush,
/// read the command byte until two reads agree, self test, the command byte it runs with, the aux port checks
/// (AUX_LOOP through 0xD3, the aux test 0xA9, toggling the aux disable bit, the aux IRQ test on IRQ 12), the keyboard
/// interface test, and atkbd's identify through IRQ 1.
/// </summary>
public sealed class LinuxProbeTests
{
    [Fact]
    public void The_boot_probe_finds_a_controller_with_an_aux_port_and_a_keyboard()
    {
        using var vm = Create();

        // i8042_controller_check: flush; nothing stale.
        Assert.Empty(vm.Drain());

        // i8042_controller_selftest: 0xAA -> 0x55.
        Assert.Equal(0x55, vm.CommandWithReply(0xaa));

        // i8042_controller_init: CTR read until two reads agree, then written back with KBDDIS set and KBDINT clear.
        byte ctr = vm.CommandWithReply(0x20);
        Assert.Equal(ctr, vm.CommandWithReply(0x20));
        ctr = (byte)((ctr | KbdDis) & ~KbdInt);
        vm.WriteCommandByte(ctr);
        Assert.Equal(ctr, vm.CommandWithReply(0x20));

        // i8042_check_aux: flush; AUX_LOOP (0xD3 0x5A) comes back with the AUXDATA status bit.
        Assert.Empty(vm.Drain());
        vm.Out8(Command, 0xd3);
        vm.Out8(Data, 0x5a);
        Assert.Equal(Obf | AuxObf, vm.Status() & (Obf | AuxObf));
        Assert.Equal(0x5a, vm.In8(Data));
        Assert.Equal(0x00, vm.CommandWithReply(0xa9));

        // i8042_toggle_aux: disable and enable through the command byte, each checked by reading it back.
        vm.WriteCommandByte((byte)(ctr | AuxDis));
        Assert.Equal(AuxDis, vm.CommandWithReply(0x20) & AuxDis);
        vm.WriteCommandByte((byte)(ctr & ~AuxDis));
        Assert.Equal(0, vm.CommandWithReply(0x20) & AuxDis);

        // The aux IRQ test: AUXINT on, AUX_LOOP 0xA5, and the byte arrives by IRQ 12 with AUXDATA.
        ctr = (byte)((ctr & ~AuxDis) | AuxInt);
        vm.WriteCommandByte(ctr);
        vm.Out8(Command, 0xd3);
        vm.Out8(Data, 0xa5);
        Assert.True(vm.Irq(AuxIrq).IsRaised);
        Assert.Equal(Obf | AuxObf, vm.Status() & (Obf | AuxObf));
        Assert.Equal(0xa5, vm.In8(Data));
        Assert.False(vm.Irq(AuxIrq).IsRaised);

        // The keyboard port: interface test, then enabled with its interrupt.
        Assert.Equal(0x00, vm.CommandWithReply(0xab));
        ctr = (byte)((ctr & ~KbdDis) | KbdInt);
        vm.WriteCommandByte(ctr);

        // atkbd_probe: GETID, answered byte by byte on IRQ 1 (the interrupt handler reads one byte per interrupt).
        vm.Irq(KeyboardIrq).ClearLog();
        vm.Out8(Data, 0xf2);
        var id = new List<byte>();
        while (vm.Irq(KeyboardIrq).IsRaised)
            id.Add(vm.In8(Data));
        Assert.Equal([Ack, 0xab, 0x83], id);
        Assert.Equal(3, vm.Irq(KeyboardIrq).RaiseCount);

        // atkbd: LEDs off, set 2, enable scanning.
        vm.Out8(Data, 0xed);
        vm.Out8(Data, 0x00);
        vm.Out8(Data, 0xf0);
        vm.Out8(Data, 0x02);
        vm.Out8(Data, 0xf4);
        Assert.Equal([Ack, Ack, Ack, Ack, Ack], vm.Drain());
        Assert.Null(vm.Status);
    }
}
