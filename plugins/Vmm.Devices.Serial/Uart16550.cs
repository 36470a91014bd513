using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Vmm.Sdk;

namespace Vmm.Devices.Serial;

/// <summary>
/// A 16550A UART: the eight registers of the PC16550D, 16-byte receive FIFO with trigger levels 1/4/8/14 and the
/// character timeout, prioritised interrupts on its line, the divisor latch, loopback with the modem outputs wired
/// to the modem inputs, output to the instance's console <see cref="PipeWriter"/> and input from its
/// <see cref="PipeReader"/>.
/// </summary>
/// <remarks>
/// <para>
/// Source: TI/National PC16550D datasheet (SNLS378): register summary, "Interrupt Control Functions" table (IIR
/// priorities and what clears each), "FIFO Interrupt Mode Operation" (trigger level, timeout after four character
/// times), MCR's loopback description. As on a PC, the interrupt reaches the line only while MCR.OUT2 is set (the
/// board gates INTR with OUT2; Linux's 8250 driver sets OUT2 for that reason).
/// </para>
/// <para>
/// Transmission takes no time: the console accepts every byte at once, so the transmitter FIFO is empty again as
/// soon as it is written, LSR reads THRE and TEMT, and the THRE interrupt is re-armed after each write (the write
/// lowers the line and the emptied holding register raises it again, one edge per byte as a real part gives).
/// Reception is paced by the host: a background reader moves console input into the receive FIFO while it has
/// room and leaves the rest in the pipe, so nothing is lost and the vCPU never waits.
/// </para>
/// <para>Calls come from vCPU threads, the input reader and the timeout timer: one small lock guards the state.</para>
/// </remarks>
public sealed partial class Uart16550 : IBusDevice, IDisposable
{
    // The 1.8432 MHz crystal of the PC's UARTs, divided by 16 per bit: divisor 1 is 115200 baud.
    private const int ClockHz = 1_843_200;
    private const int ClocksPerBit = 16;

    // Reset values, as vm-superio's: 9600 baud (115200 / 12), 8N1, OUT2 set as a PC BIOS leaves it, and the modem
    // lines of a connected, ready peer.
    private const ushort DefaultDivisor = 12;
    private const byte DefaultLineControl = LineControl.WordLength8;
    private const byte DefaultModemControl = ModemControl.Out2;
    private const byte ConnectedModemInputs =
        ModemStatus.ClearToSend | ModemStatus.DataSetReady | ModemStatus.DataCarrierDetect;

    private static readonly byte[] TriggerLevels = [1, 4, 8, 14];

    private readonly Lock _gate = new();
    private readonly DeviceIdentity _identity;
    private readonly ILogger<Uart16550> _logger;
    private readonly PipeWriter? _output;
    private readonly IInterruptLine? _interrupt;
    private readonly TimeProvider _time;
    private readonly ReceiveFifo _received = new();
    private readonly ITimer _timeoutTimer;

    private ushort _divisor = DefaultDivisor;
    private ushort _reportedDivisor = DefaultDivisor;
    private byte _interruptEnable;
    private byte _lineControl = DefaultLineControl;
    private byte _modemControl = DefaultModemControl;
    private byte _scratch;
    private bool _fifosEnabled;
    private int _triggerLevel = 1;

    private byte _lineErrors;          // LSR bits 1-4 not yet read
    private byte _modemDeltas;         // MSR bits 0-3 not yet read
    private bool _transmitterEmptyPending = true;
    private bool _timeoutPending;
    private long _lastReceiveActivity;
    private bool _lineRaised;
    private bool _disposed;

    /// <summary>Creates a UART writing to <paramref name="output"/> and reading from <paramref name="input"/>.</summary>
    /// <param name="identity">The instance, for logs.</param>
    /// <param name="logger">Where baud rate changes and dropped output are reported.</param>
    /// <param name="output">The console the guest's bytes go to; null discards them.</param>
    /// <param name="input">The console the guest reads from; null means nothing is ever received.</param>
    /// <param name="interrupt">The line the UART drives (level: raised while an enabled interrupt is pending and OUT2 is set); null drives none.</param>
    /// <param name="time">The clock of the character timeout; the system clock if null.</param>
    public Uart16550(DeviceIdentity identity, ILogger<Uart16550> logger, PipeWriter? output = null, PipeReader? input = null,
        IInterruptLine? interrupt = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(logger);
        _identity = identity;
        _logger = logger;
        _output = output;
        _interrupt = interrupt;
        _time = time ?? TimeProvider.System;
        _timeoutTimer = _time.CreateTimer(static state => ((Uart16550)state!).OnTimeoutTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _received.Reset(1);
        if (input is not null)
            StartReceiving(input);
    }

    /// <summary>The divisor latch as the guest last set it (DLM:DLL); 12 (9600 baud) after reset.</summary>
    public int Divisor
    {
        get
        {
            lock (_gate)
                return _divisor;
        }
    }

    /// <summary>The baud rate the divisor gives from the PC's 1.8432 MHz clock (115200 / divisor); 0 for divisor 0, which stops the clock.</summary>
    public double BaudRate
    {
        get
        {
            lock (_gate)
                return BaudRateOf(_divisor);
        }
    }

    private bool DivisorLatchAccess => (_lineControl & LineControl.DivisorLatchAccess) != 0;

    private bool Loopback => (_modemControl & ModemControl.Loopback) != 0;

    /// <inheritdoc />
    public void Read(in BusAccess access, Span<byte> data)
    {
        // Registers are one byte wide: a wider access gets the register at its offset in its
        // first byte and leaves the rest as the bus zeroed it.
        if (data.IsEmpty)
            return;

        lock (_gate)
        {
            data[0] = (access.Offset, DivisorLatchAccess) switch
            {
                (Register.Data, false) => ReadReceiver(),
                (Register.DivisorLatchLow, true) => (byte)_divisor,
                (Register.InterruptEnable, false) => _interruptEnable,
                (Register.DivisorLatchHigh, true) => (byte)(_divisor >> 8),
                (Register.InterruptIdentification, _) => ReadInterruptIdentification(),
                (Register.LineControl, _) => _lineControl,
                (Register.ModemControl, _) => _modemControl,
                (Register.LineStatus, _) => ReadLineStatus(),
                (Register.ModemStatus, _) => ReadModemStatus(),
                (Register.Scratch, _) => _scratch,
                _ => 0,
            };
            UpdateInterrupt();
        }
    }

    /// <inheritdoc />
    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return;

        byte value = data[0];
        lock (_gate)
        {
            switch (access.Offset, DivisorLatchAccess)
            {
                case (Register.Data, false): Transmit(value); break;
                case (Register.DivisorLatchLow, true): _divisor = (ushort)((_divisor & 0xff00) | value); break;
                case (Register.InterruptEnable, false): WriteInterruptEnable(value); break;
                case (Register.DivisorLatchHigh, true): _divisor = (ushort)((_divisor & 0x00ff) | (value << 8)); break;
                case (Register.InterruptIdentification, _): WriteFifoControl(value); break;
                case (Register.LineControl, _): WriteLineControl(value); break;
                case (Register.ModemControl, _): WriteModemControl(value); break;
                case (Register.Scratch, _): _scratch = value; break;
                // LSR and MSR are read-only (writes are for factory test on the real part). Anything past SCR
                // belongs to nobody.
                default: break;
            }
            UpdateInterrupt();
        }
    }

    /// <summary>Stops the input reader and the timeout timer.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
        }
        _timeoutTimer.Dispose();
        StopReceiving();
    }

    private void WriteInterruptEnable(byte value)
    {
        byte enabled = (byte)(value & InterruptEnable.Implemented);
        // Enabling ETBEI while the holding register is empty raises THRE at once; Linux's 8250 startup checks
        // exactly this (its UART_BUG_THRE and UART_BUG_TXEN probes) by toggling IER and reading IIR.
        if ((enabled & ~_interruptEnable & InterruptEnable.TransmitterEmpty) != 0)
            _transmitterEmptyPending = true;
        _interruptEnable = enabled;
    }

    private void WriteFifoControl(byte value)
    {
        bool enable = (value & FifoControl.Enable) != 0;
        if (enable != _fifosEnabled)
        {
            // Changing FCR bit 0 clears both FIFOs; the other bits only take effect while it is set.
            _fifosEnabled = enable;
            ClearReceiver();
        }
        if (enable)
        {
            if ((value & FifoControl.ResetReceiver) != 0)
                ClearReceiver();
            // ResetTransmitter has nothing to drop: the transmitter FIFO empties as it is written.
            _triggerLevel = TriggerLevels[value >> FifoControl.TriggerShift];
        }
        TakeHeldInput();
    }

    private void ClearReceiver()
    {
        _received.Reset(_fifosEnabled ? ReceiveFifo.Depth : 1);
        _timeoutPending = false;
        _timeoutTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void WriteLineControl(byte value)
    {
        bool breakStarts = (value & ~_lineControl & LineControl.SetBreak) != 0;
        bool latchCloses = (_lineControl & ~value & LineControl.DivisorLatchAccess) != 0;
        _lineControl = value;
        if (latchCloses && _divisor != _reportedDivisor)
        {
            // Reported when DLAB closes, so a divisor written a byte at a time is logged once, whole.
            _reportedDivisor = _divisor;
            LogBaudRate(_logger, _identity.Name, BaudRateOf(_divisor), _divisor);
        }
        // In loopback the transmitter output is wired to the receiver: a break sent is a break received, a zero
        // character with BI (the only way a guest can make this UART see a line error).
        if (breakStarts && Loopback)
            ReceiveCharacter(0, LineStatus.BreakInterrupt);
    }

    private void WriteModemControl(byte value)
    {
        byte before = ModemInputs();
        bool wasLoopback = Loopback;
        _modemControl = (byte)(value & ModemControl.Implemented);
        byte after = ModemInputs();

        // MSR delta bits: CTS, DSR and DCD changes, and RI's trailing edge (1 -> 0) only.
        byte changed = (byte)(before ^ after);
        if ((changed & ModemStatus.ClearToSend) != 0) _modemDeltas |= ModemStatus.DeltaClearToSend;
        if ((changed & ModemStatus.DataSetReady) != 0) _modemDeltas |= ModemStatus.DeltaDataSetReady;
        if ((changed & ModemStatus.DataCarrierDetect) != 0) _modemDeltas |= ModemStatus.DeltaDataCarrierDetect;
        if ((before & ~after & ModemStatus.RingIndicator) != 0) _modemDeltas |= ModemStatus.TrailingEdgeRingIndicator;

        // Leaving loopback reconnects the receiver to the console.
        if (wasLoopback && !Loopback)
            TakeHeldInput();
    }

    /// <summary>
    /// The modem inputs (MSR bits 4-7): in loopback MCR's outputs wired back (RTS to CTS, DTR to DSR, OUT1 to RI,
    /// OUT2 to DCD), otherwise the lines of a connected, ready peer.
    /// </summary>
    private byte ModemInputs()
    {
        if (!Loopback)
            return ConnectedModemInputs;
        byte inputs = 0;
        if ((_modemControl & ModemControl.RequestToSend) != 0) inputs |= ModemStatus.ClearToSend;
        if ((_modemControl & ModemControl.DataTerminalReady) != 0) inputs |= ModemStatus.DataSetReady;
        if ((_modemControl & ModemControl.Out1) != 0) inputs |= ModemStatus.RingIndicator;
        if ((_modemControl & ModemControl.Out2) != 0) inputs |= ModemStatus.DataCarrierDetect;
        return inputs;
    }

    private byte ReadModemStatus()
    {
        byte status = (byte)(ModemInputs() | _modemDeltas);
        _modemDeltas = 0;
        return status;
    }

    private byte ReadLineStatus()
    {
        // Output never waits, so the holding and shift registers always read empty.
        byte status = (byte)(LineStatus.TransmitterHoldingEmpty | LineStatus.TransmitterEmpty | _lineErrors);
        if (_received.Count > 0)
            status |= LineStatus.DataReady;
        if (_fifosEnabled && _received.ErroredCount > 0)
            status |= LineStatus.ReceiverFifoError;
        // Reading LSR clears OE, PE, FE and BI, and with them the receiver line status interrupt.
        _lineErrors = 0;
        return status;
    }

    private byte ReadReceiver()
    {
        // An empty RBR reads whatever was last latched on real hardware; 0 is as good.
        if (_received.Count == 0)
            return 0;

        byte value = _received.Pop();
        // The next character's errors show in LSR once it is at the top.
        _lineErrors |= _received.TopErrors;
        // Reading the FIFO clears the timeout and restarts its four character times.
        _timeoutPending = false;
        NoteReceiveActivity();
        TakeHeldInput();
        return value;
    }

    private byte ReadInterruptIdentification()
    {
        byte identification = PendingInterrupt();
        // Reading IIR clears THRE when THRE is what it reports (and only then).
        if (identification == InterruptIdentification.TransmitterEmpty)
            _transmitterEmptyPending = false;
        return _fifosEnabled ? (byte)(identification | InterruptIdentification.FifosEnabled) : identification;
    }

    /// <summary>The highest-priority enabled interrupt, as IIR bits 0-3.</summary>
    private byte PendingInterrupt()
    {
        byte enabled = _interruptEnable;
        if ((enabled & InterruptEnable.ReceiverLineStatus) != 0 && (_lineErrors & LineStatus.Errors) != 0)
            return InterruptIdentification.ReceiverLineStatus;
        if ((enabled & InterruptEnable.ReceivedData) != 0)
        {
            if (_received.Count >= (_fifosEnabled ? _triggerLevel : 1))
                return InterruptIdentification.ReceivedData;
            if (_timeoutPending)
                return InterruptIdentification.CharacterTimeout;
        }
        if ((enabled & InterruptEnable.TransmitterEmpty) != 0 && _transmitterEmptyPending)
            return InterruptIdentification.TransmitterEmpty;
        if ((enabled & InterruptEnable.ModemStatus) != 0 && _modemDeltas != 0)
            return InterruptIdentification.ModemStatus;
        return InterruptIdentification.NonePending;
    }

    /// <summary>Drives the line: raised while an enabled interrupt is pending and OUT2 lets it through.</summary>
    private void UpdateInterrupt()
    {
        bool raise = (_modemControl & ModemControl.Out2) != 0 && PendingInterrupt() != InterruptIdentification.NonePending;
        if (raise == _lineRaised || _interrupt is null)
            return;
        _lineRaised = raise;
        if (raise)
            _interrupt.Raise();
        else
            _interrupt.Lower();
    }

    private void Transmit(byte value)
    {
        // Writing THR clears THRE; the line drops now and rises again below, the edge a real part gives.
        _transmitterEmptyPending = false;
        UpdateInterrupt();

        // Bits beyond the word length never leave the shift register.
        value &= (byte)(0xff >> (3 - (_lineControl & LineControl.WordLengthMask)));
        if (Loopback)
            ReceiveCharacter(value, 0);
        else
            Send(value);

        _transmitterEmptyPending = true;
    }

    /// <summary>A character reaching the receiver from the loopback path (the console's go through <see cref="TakeHeldInput"/>).</summary>
    private void ReceiveCharacter(byte value, byte errors)
    {
        if (_received.Space == 0)
        {
            // Overrun: in FIFO mode the character in the shift register is lost; in 16450 mode it replaces RBR.
            _lineErrors |= LineStatus.OverrunError;
            if (!_fifosEnabled)
                _received.OverwriteLast(value, errors);
            return;
        }
        bool wasEmpty = _received.Count == 0;
        _received.TryPush(value, errors);
        if (wasEmpty)
            _lineErrors |= errors;
        NoteReceiveActivity();
    }

    /// <summary>Restarts the four-character-time timeout (FIFO mode) after a character came in or was read.</summary>
    private void NoteReceiveActivity()
    {
        if (!_fifosEnabled || _disposed)
            return;
        _lastReceiveActivity = _time.GetTimestamp();
        _timeoutTimer.Change(_received.Count > 0 ? TimeoutPeriod() : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void OnTimeoutTimer()
    {
        lock (_gate)
        {
            if (_disposed || !_fifosEnabled || _received.Count == 0)
                return;
            // A callback that lost the race with a newer character or read waits out the rest of its period.
            var remaining = TimeoutPeriod() - _time.GetElapsedTime(_lastReceiveActivity);
            if (remaining > TimeSpan.Zero)
            {
                _timeoutTimer.Change(remaining, Timeout.InfiniteTimeSpan);
                return;
            }
            _timeoutPending = true;
            UpdateInterrupt();
        }
    }

    /// <summary>Four character times at the current divisor and frame (start bit, word, parity, stop bits).</summary>
    private TimeSpan TimeoutPeriod()
    {
        int wordBits = 5 + (_lineControl & LineControl.WordLengthMask);
        int halfBits = 2 * (1 + wordBits + ((_lineControl & LineControl.ParityEnable) != 0 ? 1 : 0));
        halfBits += (_lineControl & LineControl.TwoStopBits) == 0 ? 2 : wordBits == 5 ? 3 : 4;
        long divisor = _divisor == 0 ? 0x10000 : _divisor;
        long ticks = 4 * halfBits * divisor * ClocksPerBit * TimeSpan.TicksPerSecond / (2L * ClockHz);
        return TimeSpan.FromTicks(ticks);
    }

    private static double BaudRateOf(ushort divisor) => divisor == 0 ? 0 : (double)ClockHz / ClocksPerBit / divisor;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Device}: baud rate {BaudRate} (divisor {Divisor})")]
    private static partial void LogBaudRate(ILogger logger, string device, double baudRate, int divisor);
}
