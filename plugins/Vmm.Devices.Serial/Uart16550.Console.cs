using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;

namespace Vmm.Devices.Serial;

// The host side: output flushed into the console's PipeWriter, input moved from its PipeReader into the receive FIFO.
public sealed partial class Uart16550
{
    private PipeReader? _input;

    // The reader's unconsumed input. While _inputHeld is true the reader is parked (no ReadAsync outstanding) and
    // whoever holds _gate may take bytes from _held, advance the reader and TryRead more; when nothing more is
    // available the holder hands the reader back to the background loop through _resume.
    private ReadOnlySequence<byte> _held;
    private bool _heldIsLast;
    private bool _inputHeld;
    private bool _inputEnded;
    private TaskCompletionSource? _resume;

    private Task<FlushResult>? _pendingFlush;
    private bool _outputClosed;
    private bool _outputDropLogged;

    private void StartReceiving(PipeReader input)
    {
        _input = input;
        // The loop ends when the input does (or Dispose cancels it); it reports nothing back, so no one awaits it.
        _ = ReceiveAsync(input);
    }

    private void StopReceiving()
    {
        if (_input is null)
            return;
        TaskCompletionSource? resume;
        lock (_gate)
        {
            _inputEnded = true;
            resume = _resume;
            _resume = null;
        }
        resume?.TrySetResult();
        try
        {
            _input.CancelPendingRead();
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>
    /// Waits for console input without a vCPU ever waiting: each read is parked under the lock and drained into the
    /// receive FIFO as it has room, by this loop or by the guest's RBR reads that make room.
    /// </summary>
    private async Task ReceiveAsync(PipeReader input)
    {
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync().ConfigureAwait(false);
                Task resume;
                lock (_gate)
                {
                    if (_inputEnded || result.IsCanceled)
                    {
                        _inputEnded = true;
                        return;
                    }
                    _held = result.Buffer;
                    _heldIsLast = result.IsCompleted;
                    _inputHeld = true;
                    TakeHeldInput();
                    UpdateInterrupt();
                    if (_inputEnded)
                        return;
                    if (!_inputHeld)
                        continue;
                    _resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    resume = _resume.Task;
                }
                await resume.ConfigureAwait(false);
                lock (_gate)
                {
                    if (_inputEnded)
                        return;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // The host completed the reader under us: the end of input.
            lock (_gate)
                _inputEnded = true;
        }
    }

    /// <summary>
    /// Moves parked console input into the receive FIFO while it has room; called with the lock held whenever room
    /// appears. In loopback the receiver is disconnected from the console, so input waits.
    /// </summary>
    private void TakeHeldInput()
    {
        while (_inputHeld && !Loopback)
        {
            if (!_held.IsEmpty)
            {
                int taken = (int)Math.Min(_received.Space, _held.Length);
                if (taken == 0)
                    return;
                bool wasEmpty = _received.Count == 0;
                foreach (var segment in _held.Slice(0, taken))
                {
                    foreach (byte value in segment.Span)
                        _received.TryPush(value, 0);
                }
                if (wasEmpty)
                    _lineErrors |= _received.TopErrors;
                _held = _held.Slice(taken);
                NoteReceiveActivity();
                if (!_held.IsEmpty)
                    return;
            }

            // All of this read is in the FIFO: give it back and look for more without waiting.
            try
            {
                _input!.AdvanceTo(_held.End);
                if (_heldIsLast)
                {
                    EndInput();
                    return;
                }
                if (_input.TryRead(out ReadResult next) && !next.IsCanceled)
                {
                    _held = next.Buffer;
                    _heldIsLast = next.IsCompleted;
                    continue;
                }
            }
            catch (InvalidOperationException)
            {
                EndInput();
                return;
            }

            // Nothing more for now: the background loop waits for the next input.
            _inputHeld = false;
            _held = default;
            _resume?.TrySetResult();
            _resume = null;
        }
    }

    private void EndInput()
    {
        _inputEnded = true;
        _inputHeld = false;
        _held = default;
        _resume?.TrySetResult();
        _resume = null;
    }

    private void Send(byte value)
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
}
