namespace Vmm.Devices.I8042;

// Ports, status bits, command byte bits, commands and replies of the 8042 as the PC/AT and PS/2 references define
// them (OSDev "8042 PS/2 Controller", HelpPC "8042 Keyboard Controller"), named so the logic holds no bare numbers.
public sealed partial class I8042Controller
{
    private const byte SelfTestPassed = 0x55;
    private const byte InterfaceTestPassed = 0x00;
    private const byte NoResponse = 0xfe;

    /// <summary>Range indices, in the order the plugin declares them.</summary>
    private static class Ranges
    {
        public const int Data = 0;      // 0x60
        public const int Command = 1;   // 0x64
    }

    /// <summary>Status register (read 0x64).</summary>
    private static class Status
    {
        public const byte OutputBufferFull = 0x01;       // OBF: data for the host at 0x60
        public const byte InputBufferFull = 0x02;        // IBF: never set, input is taken at once
        public const byte SystemFlag = 0x04;             // SYS: set by a passed self test
        public const byte LastWriteWasCommand = 0x08;    // A2: last write went to 0x64
        public const byte KeyboardUnlocked = 0x10;       // INH clear: keyboard not inhibited by the key lock
        public const byte AuxOutputBufferFull = 0x20;    // AUXB: the byte in the output buffer is from the aux port
        public const byte Timeout = 0x40;                // a byte sent to a port was not clocked out
    }

    /// <summary>Command byte (controller RAM byte 0, commands 0x20/0x60).</summary>
    private static class CommandByte
    {
        public const byte KeyboardInterrupt = 0x01;      // raise IRQ 1 for keyboard (and controller) data
        public const byte AuxInterrupt = 0x02;           // raise IRQ 12 for aux data
        public const byte SystemFlag = 0x04;
        public const byte KeyboardDisabled = 0x10;
        public const byte AuxDisabled = 0x20;
        public const byte Translate = 0x40;              // translate keyboard data to scancode set 1
    }

    /// <summary>Output port (commands 0xD0/0xD1) lines.</summary>
    private static class OutputPort
    {
        public const byte ResetLine = 0x01;              // low resets the CPU
        public const byte A20 = 0x02;
        public const byte KeyboardOutputFull = 0x10;
        public const byte AuxOutputFull = 0x20;
    }

    /// <summary>Input port (command 0xC0) lines.</summary>
    private static class InputPort
    {
        public const byte KeyboardNotInhibited = 0x80;
    }

    /// <summary>Controller commands (write 0x64).</summary>
    private static class ControllerCommand
    {
        public const byte ReadRamFirst = 0x20;           // 0x20 reads the command byte
        public const byte ReadRamLast = 0x3f;
        public const byte WriteRamFirst = 0x60;          // 0x60 writes the command byte
        public const byte WriteRamLast = 0x7f;
        public const byte DisableAux = 0xa7;
        public const byte EnableAux = 0xa8;
        public const byte TestAux = 0xa9;
        public const byte SelfTest = 0xaa;
        public const byte TestKeyboard = 0xab;
        public const byte DisableKeyboard = 0xad;
        public const byte EnableKeyboard = 0xae;
        public const byte ReadInputPort = 0xc0;
        public const byte ReadOutputPort = 0xd0;
        public const byte WriteOutputPort = 0xd1;
        public const byte WriteKeyboardOutput = 0xd2;
        public const byte WriteAuxOutput = 0xd3;
        public const byte WriteAux = 0xd4;
        public const byte ReadTestInputs = 0xe0;
        public const byte PulseFirst = 0xf0;             // 0xf0-0xff pulse output port bits 0-3 (0 = pulsed)
    }
}
