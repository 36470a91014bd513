using Microsoft.Extensions.Logging;
using Vmm.Sdk;

namespace Vmm.Devices.I8042;

/// <summary>
/// The PC's i8042 keyboard controller: the status register and command port, the controller commands kernels and
/// firmware probe with, a PS/2 keyboard on its first port, an empty auxiliary (mouse) port, interrupts on the
/// keyboard and aux lines, and the CPU reset line (command 0xFE, or an output port write with bit 0 clear).
/// </summary>
/// <remarks>
/// <para>
/// Sources: IBM PC/AT and PS/2 technical references as summarised by the OSDev wiki's "8042 PS/2 Controller" page and
/// HelpPC's "8042 Keyboard Controller" (status bits, command byte, commands 0x20-0xFF); Linux's
/// drivers/input/serio/i8042.c and QEMU's hw/input/pckbd.c for what a kernel expects (facts only, no code): writing
/// data to the keyboard or aux port re-enables that port, command responses raise the keyboard line, 0xD3 data
/// comes back as aux data on IRQ 12 (Linux's AUX_LOOP and aux IRQ tests).
/// </para>
/// <para>
/// Input is taken at once, so IBF always reads clear. Bytes for the host wait in three queues (controller replies,
/// keyboard, aux) and move one at a time into the output buffer as it empties; each line is raised while the output
/// buffer holds its port's byte and the command byte enables that interrupt, and lowered when port 0x60 is read, so
/// the next byte makes a fresh edge. A20 is not gated: the output port keeps the bit but memory is unchanged.
/// Calls may come from several vCPUs: one small lock guards the state.
/// </para>
/// </remarks>
public sealed partial class I8042Controller : IBusDevice
{
    // Power-on state as QEMU's controller: both port interrupts enabled, ports enabled, no translation; the system
    // flag clear until the self test (0xAA) or a command byte write sets it. Output port: reset line high (running)
    // and A20 enabled.
    private const byte PowerOnCommandByte = CommandByte.KeyboardInterrupt | CommandByte.AuxInterrupt;
    private const byte PowerOnOutputPort = OutputPort.ResetLine | OutputPort.A20;
    private const int QueueCapacity = 16;

    private readonly Lock _gate = new();
    private readonly DeviceIdentity _identity;
    private readonly ILogger<I8042Controller> _logger;
    private readonly IVmControl _vm;
    private readonly IInterruptLine? _keyboardLine;
    private readonly IInterruptLine? _auxLine;
    private readonly Ps2Keyboard _keyboard = new();
    private readonly ByteQueue _controllerReplies = new(QueueCapacity);
    private readonly ByteQueue _keyboardBytes = new(QueueCapacity);
    private readonly ByteQueue _auxBytes = new(QueueCapacity);

    // The controller's 32 bytes of RAM, reached by commands 0x20-0x3F / 0x60-0x7F; byte 0 is the command byte.
    private readonly byte[] _ram = new byte[32];

    private byte _outputBuffer;
    private OutputSource _outputSource;
    private byte _outputPort = PowerOnOutputPort;
    private byte _awaitingDataFor;
    private bool _lastWriteWasCommand;
    private bool _systemFlag;
    private bool _timeout;
    private bool _keyboardRaised;
    private bool _auxRaised;

    /// <summary>Creates the controller for the instance <paramref name="identity"/>.</summary>
    /// <param name="identity">The instance, for logs.</param>
    /// <param name="logger">Where resets and unknown commands are reported.</param>
    /// <param name="vm">Reset when the guest pulses the reset line.</param>
    /// <param name="lines">The instance's lines: the keyboard's, then the aux port's (missing ones are not driven).</param>
    public I8042Controller(DeviceIdentity identity, ILogger<I8042Controller> logger, IVmControl vm, IReadOnlyList<IInterruptLine>? lines = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(vm);
        _identity = identity;
        _logger = logger;
        _vm = vm;
        _keyboardLine = lines is { Count: > 0 } ? lines[0] : null;
        _auxLine = lines is { Count: > 1 } ? lines[1] : null;
        _ram[0] = PowerOnCommandByte;
    }

    private enum OutputSource : byte { Empty, Controller, Keyboard, Aux }

    private byte CommandByteValue => _ram[0];

    private bool KeyboardPortEnabled => (CommandByteValue & CommandByte.KeyboardDisabled) == 0;

    private bool AuxPortEnabled => (CommandByteValue & CommandByte.AuxDisabled) == 0;

    /// <inheritdoc />
    public void Read(in BusAccess access, Span<byte> data)
    {
        if (data.IsEmpty)
            return;
        lock (_gate)
        {
            data[0] = access.Range switch
            {
                Ranges.Data => ReadData(),
                Ranges.Command => ReadStatus(),
                _ => 0xff,
            };
            UpdateLines();
        }
    }

    /// <inheritdoc />
    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return;
        bool reset;
        lock (_gate)
        {
            reset = access.Range switch
            {
                Ranges.Data => WriteData(data[0]),
                Ranges.Command => WriteCommand(data[0]),
                _ => false,
            };
            FillOutputBuffer();
            UpdateLines();
        }
        // Outside the lock: the VM may call back into devices while it resets.
        if (reset)
            _vm.RequestReset();
    }

    private byte ReadStatus()
    {
        byte status = Status.KeyboardUnlocked;
        if (_outputSource != OutputSource.Empty)
            status |= Status.OutputBufferFull;
        if (_outputSource == OutputSource.Aux)
            status |= Status.AuxOutputBufferFull;
        if (_systemFlag)
            status |= Status.SystemFlag;
        if (_lastWriteWasCommand)
            status |= Status.LastWriteWasCommand;
        if (_timeout)
            status |= Status.Timeout;
        return status;
    }

    private byte ReadData()
    {
        // An empty output buffer reads its last byte again, as the latch does.
        byte value = _outputBuffer;
        if (_outputSource == OutputSource.Empty)
            return value;
        _outputSource = OutputSource.Empty;
        _timeout = false;
        // The line falls with OBF; the next byte (if any) raises it again: one edge per byte.
        UpdateLines();
        FillOutputBuffer();
        return value;
    }

    private bool WriteCommand(byte command)
    {
        _lastWriteWasCommand = true;
        _awaitingDataFor = 0;
        switch (command)
        {
            case >= ControllerCommand.ReadRamFirst and <= ControllerCommand.ReadRamLast:
                Reply(command == ControllerCommand.ReadRamFirst ? ReadCommandByte() : _ram[command - ControllerCommand.ReadRamFirst]);
                break;
            case >= ControllerCommand.WriteRamFirst and <= ControllerCommand.WriteRamLast:
            case ControllerCommand.WriteOutputPort:
            case ControllerCommand.WriteKeyboardOutput:
            case ControllerCommand.WriteAuxOutput:
            case ControllerCommand.WriteAux:
                _awaitingDataFor = command;
                break;
            case ControllerCommand.DisableAux:
                _ram[0] |= CommandByte.AuxDisabled;
                break;
            case ControllerCommand.EnableAux:
                _ram[0] = (byte)(_ram[0] & ~CommandByte.AuxDisabled);
                break;
            case ControllerCommand.TestAux:
            case ControllerCommand.TestKeyboard:
                Reply(InterfaceTestPassed);
                break;
            case ControllerCommand.SelfTest:
                _systemFlag = true;
                Reply(SelfTestPassed);
                break;
            case ControllerCommand.DisableKeyboard:
                _ram[0] |= CommandByte.KeyboardDisabled;
                break;
            case ControllerCommand.EnableKeyboard:
                _ram[0] = (byte)(_ram[0] & ~CommandByte.KeyboardDisabled);
                break;
            case ControllerCommand.ReadInputPort:
                Reply(InputPort.KeyboardNotInhibited);
                break;
            case ControllerCommand.ReadOutputPort:
                Reply(ReadOutputPort());
                break;
            case ControllerCommand.ReadTestInputs:
                Reply(0);
                break;
            case >= ControllerCommand.PulseFirst:
                // Bits 0-3 clear in the command are the output port lines pulsed low; bit 0 is the CPU reset.
                if ((command & OutputPort.ResetLine) == 0)
                {
                    LogReset(_logger, _identity.Name, command);
                    return true;
                }
                break;
            default:
                LogUnknownCommand(_logger, _identity.Name, command);
                break;
        }
        return false;
    }

    private bool WriteData(byte value)
    {
        _lastWriteWasCommand = false;
        byte command = _awaitingDataFor;
        _awaitingDataFor = 0;
        switch (command)
        {
            case >= ControllerCommand.WriteRamFirst and <= ControllerCommand.WriteRamLast:
                if (command == ControllerCommand.WriteRamFirst)
                    WriteCommandByte(value);
                else
                    _ram[command - ControllerCommand.WriteRamFirst] = value;
                break;
            case ControllerCommand.WriteOutputPort:
                _outputPort = value;
                if ((value & OutputPort.ResetLine) == 0)
                {
                    LogReset(_logger, _identity.Name, command);
                    return true;
                }
                break;
            case ControllerCommand.WriteKeyboardOutput:
                _keyboardBytes.TryEnqueue(value);
                break;
            case ControllerCommand.WriteAuxOutput:
                _auxBytes.TryEnqueue(value);
                break;
            case ControllerCommand.WriteAux:
                SendToAux();
                break;
            default:
                // Data with no command pending goes to the keyboard, and re-enables its port.
                _ram[0] = (byte)(_ram[0] & ~CommandByte.KeyboardDisabled);
                _keyboard.Receive(value, _keyboardBytes, (CommandByteValue & CommandByte.Translate) != 0);
                break;
        }
        return false;
    }

    /// <summary>
    /// No device is plugged into the aux port: the byte is never clocked out, so the controller reports the timeout
    /// (status bit 6) with 0xFE as aux data, which Linux's psmouse takes as "no mouse".
    /// </summary>
    private void SendToAux()
    {
        _ram[0] = (byte)(_ram[0] & ~CommandByte.AuxDisabled);
        _timeout = true;
        _auxBytes.TryEnqueue(NoResponse);
    }

    private byte ReadCommandByte() =>
        (byte)((_ram[0] & ~CommandByte.SystemFlag) | (_systemFlag ? CommandByte.SystemFlag : 0));

    private void WriteCommandByte(byte value)
    {
        _ram[0] = value;
        // Command byte bit 2 is the system flag status bit 2 reports.
        _systemFlag = (value & CommandByte.SystemFlag) != 0;
    }

    private byte ReadOutputPort()
    {
        byte value = (byte)(_outputPort & ~(OutputPort.KeyboardOutputFull | OutputPort.AuxOutputFull));
        if (_outputSource is OutputSource.Keyboard or OutputSource.Controller)
            value |= OutputPort.KeyboardOutputFull;
        if (_outputSource == OutputSource.Aux)
            value |= OutputPort.AuxOutputFull;
        return value;
    }

    private void Reply(byte value) => _controllerReplies.TryEnqueue(value);

    /// <summary>Moves the next waiting byte into an empty output buffer: controller replies first, then enabled ports.</summary>
    private void FillOutputBuffer()
    {
        if (_outputSource != OutputSource.Empty)
            return;
        if (_controllerReplies.Count > 0)
            Load(_controllerReplies.Dequeue(), OutputSource.Controller);
        else if (_keyboardBytes.Count > 0 && KeyboardPortEnabled)
            Load(_keyboardBytes.Dequeue(), OutputSource.Keyboard);
        else if (_auxBytes.Count > 0 && AuxPortEnabled)
            Load(_auxBytes.Dequeue(), OutputSource.Aux);
    }

    private void Load(byte value, OutputSource source)
    {
        _outputBuffer = value;
        _outputSource = source;
    }

    private void UpdateLines()
    {
        bool keyboard = _outputSource is OutputSource.Keyboard or OutputSource.Controller
            && (CommandByteValue & CommandByte.KeyboardInterrupt) != 0;
        bool aux = _outputSource == OutputSource.Aux && (CommandByteValue & CommandByte.AuxInterrupt) != 0;
        Drive(_keyboardLine, keyboard, ref _keyboardRaised);
        Drive(_auxLine, aux, ref _auxRaised);
    }

    private static void Drive(IInterruptLine? line, bool raise, ref bool raised)
    {
        if (line is null || raise == raised)
            return;
        raised = raise;
        if (raise)
            line.Raise();
        else
            line.Lower();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Device}: the guest pulled the CPU reset line (command 0x{Command:x2}); resetting the machine")]
    private static partial void LogReset(ILogger logger, string device, byte command);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Device}: unknown controller command 0x{Command:x2} ignored")]
    private static partial void LogUnknownCommand(ILogger logger, string device, byte command);
}
