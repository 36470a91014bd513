namespace Vmm.Devices.I8042;

/// <summary>
/// The PS/2 keyboard behind the controller's first port: the command set kernels and firmware use to find and set
/// up a keyboard, answered into the keyboard's queue. No keys are ever pressed.
/// </summary>
/// <remarks>
/// Commands and replies: IBM PS/2 keyboard technical reference (command set, ACK 0xFA, RESEND 0xFE, BAT 0xAA,
/// keyboard ID 0xAB 0x83); the Linux atkbd driver's probe (drivers/input/keyboard/atkbd.c) and QEMU's
/// hw/input/ps2.c for what a kernel expects, including the translated ID (0xAB 0x41) and scancode set numbers
/// (0x43/0x41/0x3F) the controller hands on while its translation bit is set.
/// </remarks>
internal sealed class Ps2Keyboard
{
    private const byte Acknowledge = 0xfa;
    private const byte Resend = 0xfe;
    private const byte SelfTestPassed = 0xaa;
    private const byte Echo = 0xee;
    private const byte IdFirst = 0xab, IdSecond = 0x83, IdSecondTranslated = 0x41;

    private static class Command
    {
        public const byte SetLeds = 0xed;
        public const byte Echo = 0xee;
        public const byte ScancodeSet = 0xf0;
        public const byte Identify = 0xf2;
        public const byte SetTypematic = 0xf3;
        public const byte EnableScanning = 0xf4;
        public const byte DisableScanning = 0xf5;
        public const byte SetDefaults = 0xf6;
        public const byte SetAllKeysFirst = 0xf7;   // 0xf7-0xfd: key types for scancode set 3
        public const byte SetKeyTypeLast = 0xfd;
        public const byte ResendLast = 0xfe;
        public const byte Reset = 0xff;
    }

    private byte _awaitingArgumentFor;
    private byte _lastSent = Acknowledge;

    /// <summary>Whether the keyboard sends scancodes (0xF4 enables, 0xF5 and reset defaults disable/enable).</summary>
    public bool ScanningEnabled { get; private set; } = true;

    /// <summary>The scancode set, 1-3; 2 after reset.</summary>
    public int ScancodeSet { get; private set; } = 2;

    /// <summary>The LED bits last set with 0xED (scroll, num, caps lock).</summary>
    public byte Leds { get; private set; }

    /// <summary>Power-on state.</summary>
    public void Reset()
    {
        _awaitingArgumentFor = 0;
        ScanningEnabled = true;
        ScancodeSet = 2;
        Leds = 0;
    }

    /// <summary>Takes one byte the host sent the keyboard and queues the keyboard's replies.</summary>
    /// <param name="value">The byte from the data port.</param>
    /// <param name="replies">Where the replies go, in order.</param>
    /// <param name="translated">The controller translates to set 1 (its command byte bit 6).</param>
    public void Receive(byte value, ByteQueue replies, bool translated)
    {
        if (_awaitingArgumentFor != 0)
        {
            byte command = _awaitingArgumentFor;
            _awaitingArgumentFor = 0;
            ReceiveArgument(command, value, replies, translated);
            return;
        }

        switch (value)
        {
            case Command.SetLeds:
            case Command.ScancodeSet:
            case Command.SetTypematic:
                _awaitingArgumentFor = value;
                Send(replies, Acknowledge);
                break;
            case Command.Echo:
                Send(replies, Echo);
                break;
            case Command.Identify:
                Send(replies, Acknowledge);
                Send(replies, IdFirst);
                Send(replies, translated ? IdSecondTranslated : IdSecond);
                break;
            case Command.EnableScanning:
                ScanningEnabled = true;
                Send(replies, Acknowledge);
                break;
            case Command.DisableScanning:
                // 0xF5 also restores the defaults (PS/2 reference: "Default Disable").
                ScancodeSet = 2;
                ScanningEnabled = false;
                Send(replies, Acknowledge);
                break;
            case Command.SetDefaults:
                ScancodeSet = 2;
                ScanningEnabled = true;
                Send(replies, Acknowledge);
                break;
            case >= Command.SetAllKeysFirst and <= Command.SetKeyTypeLast:
                Send(replies, Acknowledge);
                break;
            case Command.ResendLast:
                Send(replies, _lastSent);
                break;
            case Command.Reset:
                Reset();
                Send(replies, Acknowledge);
                Send(replies, SelfTestPassed);
                break;
            default:
                Send(replies, Resend);
                break;
        }
    }

    private void ReceiveArgument(byte command, byte value, ByteQueue replies, bool translated)
    {
        switch (command)
        {
            case Command.SetLeds:
                Leds = (byte)(value & 0x07);
                Send(replies, Acknowledge);
                break;
            case Command.SetTypematic:
                Send(replies, Acknowledge);
                break;
            case Command.ScancodeSet when value == 0:
                Send(replies, Acknowledge);
                Send(replies, translated ? TranslatedSetNumber(ScancodeSet) : (byte)ScancodeSet);
                break;
            case Command.ScancodeSet when value is >= 1 and <= 3:
                ScancodeSet = value;
                Send(replies, Acknowledge);
                break;
            default:
                Send(replies, Resend);
                break;
        }
    }

    // What set 2's codes 0x01-0x03 (the set numbers) become through the controller's set 1 translation.
    private static byte TranslatedSetNumber(int set) => set switch { 1 => 0x43, 2 => 0x41, _ => 0x3f };

    private void Send(ByteQueue replies, byte value)
    {
        _lastSent = value;
        replies.TryEnqueue(value);
    }
}
