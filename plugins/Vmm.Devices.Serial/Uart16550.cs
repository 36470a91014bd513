using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Vmm.Sdk;

namespace Vmm.Devices.Serial;

/// <summary>
/// A 16550A UART, enough for a polled driver: the eight registers of the PC16550D register map,
/// the divisor latch behind LCR's DLAB bit, output to the instance's console <see cref="PipeWriter"/>
/// and input from its <see cref="PipeReader"/>. Interrupts and FIFOs are not modelled yet: IER is
/// kept but nothing is raised, and IIR always reads "no interrupt pending".
/// </summary>
/// <remarks>
/// Register map and bits: TI/National PC16550D datasheet (SNLS378), register summary table; the
/// reset values follow rust-vmm vm-superio's <c>serial.rs</c>. Output never blocks the vCPU thread:
/// the console pipe has no back-pressure, so a flush completes at once; if one ever does not, bytes
/// are dropped (and that is logged once) until it has. Calls may come from several vCPUs, so one
/// small lock guards the registers; a UART is not on the hot path.
/// </remarks>
public sealed partial class Uart16550 : IBusDevice
{
    // Reset values, as vm-superio's: 9600 baud (115200 / 12), 8N1, OUT2 set (PC drivers need it
    // to route the interrupt), and the modem lines of a connected, ready peer.
    private const byte DefaultDivisorLow = 12;
    private const byte DefaultDivisorHigh = 0;
    private const byte DefaultLineControl = LineControl.WordLength8;
    private const byte DefaultModemControl = ModemControl.Out2;
    private const byte ConnectedModemStatus =
        ModemStatus.ClearToSend | ModemStatus.DataSetReady | ModemStatus.DataCarrierDetect;

    // The 16550A's receive FIFO depth: how much of the input pipe is taken at a time.
    private const int ReceiveBufferSize = 16;

    private readonly Lock _gate = new();
    private readonly DeviceIdentity _identity;
    private readonly ILogger<Uart16550> _logger;
    private readonly PipeWriter? _output;
    private readonly PipeReader? _input;

    private byte _divisorLow = DefaultDivisorLow;
    private byte _divisorHigh = DefaultDivisorHigh;
    private byte _interruptEnable;
    private byte _lineControl = DefaultLineControl;
    private byte _modemControl = DefaultModemControl;
    private byte _scratch;

    private readonly byte[] _received = new byte[ReceiveBufferSize];
    private int _receivedStart;
    private int _receivedCount;
    private bool _inputEnded;

    private Task<FlushResult>? _pendingFlush;
    private bool _outputClosed;
    private bool _outputDropLogged;

    /// <summary>Creates a UART writing to <paramref name="output"/> and reading from <paramref name="input"/>.</summary>
    /// <param name="identity">The instance, for logs.</param>
    /// <param name="logger">Where dropped output is reported.</param>
    /// <param name="output">The console the guest's bytes go to; null discards them.</param>
    /// <param name="input">The console the guest reads from; null means nothing is ever received.</param>
    public Uart16550(DeviceIdentity identity, ILogger<Uart16550> logger, PipeWriter? output = null, PipeReader? input = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(logger);
        _identity = identity;
        _logger = logger;
        _output = output;
        _input = input;
    }

    private bool DivisorLatchAccess => (_lineControl & LineControl.DivisorLatchAccess) != 0;

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
                (Register.Data, false) => Receive(),
                (Register.DivisorLatchLow, true) => _divisorLow,
                (Register.InterruptEnable, false) => _interruptEnable,
                (Register.DivisorLatchHigh, true) => _divisorHigh,
                (Register.InterruptIdentification, _) => InterruptIdentification.NonePending,
                (Register.LineControl, _) => _lineControl,
                (Register.ModemControl, _) => _modemControl,
                (Register.LineStatus, _) => ReadLineStatus(),
                (Register.ModemStatus, _) => ConnectedModemStatus,
                (Register.Scratch, _) => _scratch,
                _ => 0,
            };
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
                case (Register.DivisorLatchLow, true): _divisorLow = value; break;
                case (Register.InterruptEnable, false): _interruptEnable = (byte)(value & InterruptEnable.Implemented); break;
                case (Register.DivisorLatchHigh, true): _divisorHigh = value; break;
                case (Register.LineControl, _): _lineControl = value; break;
                case (Register.ModemControl, _): _modemControl = (byte)(value & ModemControl.Implemented); break;
                case (Register.Scratch, _): _scratch = value; break;
                // FCR: FIFOs are not modelled yet. LSR and MSR are read-only (writes are for factory
                // test on the real part). Anything past SCR belongs to nobody.
                default: break;
            }
        }
    }

    private byte ReadLineStatus()
    {
        // Output never waits, so the holding and shift registers always read empty.
        byte status = LineStatus.TransmitterHoldingEmpty | LineStatus.TransmitterEmpty;
        if (TryFillReceived())
            status |= LineStatus.DataReady;
        return status;
    }

    private byte Receive()
    {
        // An empty RBR reads whatever was last latched on real hardware; 0 is as good.
        if (!TryFillReceived())
            return 0;

        byte value = _received[_receivedStart];
        _receivedStart++;
        _receivedCount--;
        return value;
    }

    private bool TryFillReceived()
    {
        if (_receivedCount > 0)
            return true;
        if (_input is null || _inputEnded)
            return false;

        ReadResult result;
        try
        {
            // TryRead never waits: a vCPU thread must not block on the host's console.
            if (!_input.TryRead(out result))
                return false;
        }
        catch (InvalidOperationException)
        {
            // The host completed the reader under us: treat it as the end of input.
            _inputEnded = true;
            return false;
        }

        ReadOnlySequence<byte> buffer = result.Buffer;
        int taken = (int)Math.Min(buffer.Length, _received.Length);
        buffer.Slice(0, taken).CopyTo(_received);
        _receivedStart = 0;
        _receivedCount = taken;

        // What does not fit stays in the pipe, unexamined, for the next TryRead.
        _input.AdvanceTo(buffer.GetPosition(taken));
        if (result.IsCompleted && taken == buffer.Length)
            _inputEnded = true;
        return taken > 0;
    }

    private void Transmit(byte value)
    {
        if (_output is null || _outputClosed)
            return;

        if (_pendingFlush is { } pending)
        {
            if (!pending.IsCompleted)
            {
                DropOutput();
                return;
            }
            _pendingFlush = null;
            if (!pending.IsCompletedSuccessfully || pending.Result.IsCompleted)
            {
                // Faulted, or the reader completed meanwhile: the console is gone. Reading the
                // exception keeps a faulted flush from surfacing later as unobserved.
                _ = pending.Exception;
                _outputClosed = true;
                return;
            }
        }

        try
        {
            _output.GetSpan(1)[0] = value;
            _output.Advance(1);
            ValueTask<FlushResult> flush = _output.FlushAsync();
            if (!flush.IsCompleted)
            {
                // Back-pressure the console was built without; the byte is in the pipe, but the
                // vCPU does not wait for it: later bytes are dropped until this flush completes.
                _pendingFlush = flush.AsTask();
                return;
            }
            // The reader has completed: nobody will ever read more output.
            if (flush.GetAwaiter().GetResult().IsCompleted)
                _outputClosed = true;
        }
        catch (InvalidOperationException)
        {
            // The host completed the writer (the VM is stopping): output has nowhere to go.
            _outputClosed = true;
        }
    }

    private void DropOutput()
    {
        if (_outputDropLogged)
            return;
        _outputDropLogged = true;
        LogOutputDropped(_logger, _identity.Name);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Device}: console output could not be flushed without waiting; dropping guest output until it drains (logged once)")]
    private static partial void LogOutputDropped(ILogger logger, string device);

    /// <summary>Register offsets from the base of the UART's range (PC16550D register summary).</summary>
    private static class Register
    {
        public const ulong Data = 0;                    // RBR (read) / THR (write), DLAB = 0
        public const ulong DivisorLatchLow = 0;         // DLL, DLAB = 1
        public const ulong InterruptEnable = 1;         // IER, DLAB = 0
        public const ulong DivisorLatchHigh = 1;        // DLM, DLAB = 1
        public const ulong InterruptIdentification = 2; // IIR (read); FCR (write)
        public const ulong LineControl = 3;             // LCR
        public const ulong ModemControl = 4;            // MCR
        public const ulong LineStatus = 5;              // LSR
        public const ulong ModemStatus = 6;             // MSR
        public const ulong Scratch = 7;                 // SCR
    }

    /// <summary>IER: the 16550A implements bits 0-3; bits 4-7 always read 0.</summary>
    private static class InterruptEnable
    {
        public const byte Implemented = 0x0f;
    }

    /// <summary>IIR: bit 0 clear means an interrupt is pending.</summary>
    private static class InterruptIdentification
    {
        public const byte NonePending = 0x01;
    }

    /// <summary>LCR bits.</summary>
    private static class LineControl
    {
        public const byte WordLength8 = 0x03;
        public const byte DivisorLatchAccess = 0x80;
    }

    /// <summary>MCR bits: DTR, RTS, OUT1, OUT2, LOOP are implemented; bits 5-7 always read 0.</summary>
    private static class ModemControl
    {
        public const byte Out2 = 0x08;
        public const byte Implemented = 0x1f;
    }

    /// <summary>LSR bits.</summary>
    private static class LineStatus
    {
        public const byte DataReady = 0x01;
        public const byte TransmitterHoldingEmpty = 0x20;
        public const byte TransmitterEmpty = 0x40;
    }

    /// <summary>MSR bits.</summary>
    private static class ModemStatus
    {
        public const byte ClearToSend = 0x10;
        public const byte DataSetReady = 0x20;
        public const byte DataCarrierDetect = 0x80;
    }
}
