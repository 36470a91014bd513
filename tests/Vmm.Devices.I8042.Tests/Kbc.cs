using Vmm.Sdk.Testing;

namespace Vmm.Devices.I8042.Tests;

/// <summary>The PC keyboard controller's ports and bits as the PC/AT and PS/2 references name them, written out so a wrong constant in the device fails a test.</summary>
internal static class Kbc
{
    public const ushort Data = 0x60, Command = 0x64;
    public const int KeyboardIrq = 1, AuxIrq = 12;

    // Status
    public const byte Obf = 0x01, Ibf = 0x02, Sys = 0x04, A2 = 0x08, Unlocked = 0x10, AuxObf = 0x20, TimedOut = 0x40;
    // Command byte
    public const byte KbdInt = 0x01, AuxInt = 0x02, SysFlag = 0x04, KbdDis = 0x10, AuxDis = 0x20, Xlate = 0x40;
    // Keyboard replies
    public const byte Ack = 0xfa, Resend = 0xfe, Bat = 0xaa;

    public static TestVm Create() => TestVm.Create(b => b.AddPlugin<I8042Plugin>().AddDevice("i8042")
        .WithUnhandledAccess(UnhandledAccessPolicy.Fail));

    public static byte Status(this TestVm vm) => vm.In8(Command);

    /// <summary>Reads everything waiting in the output buffer, as Linux's i8042_flush does.</summary>
    public static byte[] Drain(this TestVm vm)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < 64 && (vm.Status() & Obf) != 0; i++)
            bytes.Add(vm.In8(Data));
        return [.. bytes];
    }

    /// <summary>A controller command and its reply, waiting for OBF as i8042_command does.</summary>
    public static byte CommandWithReply(this TestVm vm, byte command)
    {
        vm.Out8(Command, command);
        Assert.Equal(Obf, vm.Status() & Obf);
        return vm.In8(Data);
    }

    public static void WriteCommandByte(this TestVm vm, byte value)
    {
        vm.Out8(Command, 0x60);
        vm.Out8(Data, value);
    }
}
