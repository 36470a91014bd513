using Vmm.Sdk.Testing;

namespace Vmm.Devices.Serial.Tests;

/// <summary>COM1's registers and bits as the PC16550D datasheet names them, written out so a wrong constant in the device fails a test.</summary>
internal static class Com1
{
    public const ushort Base = 0x3f8;
    public const int Irq = 4;
    public const ushort Data = Base + 0, InterruptEnable = Base + 1, InterruptId = Base + 2, FifoControl = Base + 2,
        LineControl = Base + 3, ModemControl = Base + 4, LineStatus = Base + 5, ModemStatus = Base + 6, Scratch = Base + 7;

    // IER
    public const byte ReceivedDataInterrupt = 0x01, TransmitterEmptyInterrupt = 0x02, LineStatusInterrupt = 0x04, ModemStatusInterrupt = 0x08;
    // IIR
    public const byte NonePending = 0x01, LineStatusPending = 0x06, DataPending = 0x04, TimeoutPending = 0x0c, ThrePending = 0x02, ModemPending = 0x00, FifosOn = 0xc0;
    // FCR
    public const byte FifoEnable = 0x01, ResetReceiver = 0x02, ResetTransmitter = 0x04;
    // LCR
    public const byte EightNoneOne = 0x03, SetBreak = 0x40, Dlab = 0x80;
    // MCR
    public const byte Dtr = 0x01, Rts = 0x02, Out1 = 0x04, Out2 = 0x08, Loop = 0x10;
    // LSR
    public const byte DataReady = 0x01, OverrunError = 0x02, BreakInterrupt = 0x10, Thre = 0x20, Temt = 0x40, FifoError = 0x80;
    // MSR
    public const byte DeltaCts = 0x01, DeltaDsr = 0x02, TrailingRi = 0x04, DeltaDcd = 0x08, Cts = 0x10, Dsr = 0x20, Ri = 0x40, Dcd = 0x80;

    public static TestVm Create(Action<TestVmBuilder>? configure = null) => TestVm.Create(b =>
    {
        b.AddPlugin<SerialPlugin>().AddDevice("uart16550", "com1", new { Port = Base, Irq });
        configure?.Invoke(b);
    });

    public static void SetDivisor(this TestVm vm, ushort divisor, byte lineControl = EightNoneOne)
    {
        vm.Out8(LineControl, (byte)(lineControl | Dlab));
        vm.Out8(Data, (byte)divisor);
        vm.Out8(InterruptEnable, (byte)(divisor >> 8));
        vm.Out8(LineControl, lineControl);
    }
}
