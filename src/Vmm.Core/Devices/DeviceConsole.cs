using System.IO.Pipelines;

namespace Vmm.Core.Devices;

/// <summary>
/// A device instance's console: an output pipe the device writes into on its vCPU thread and a
/// background task drains to a host stream, and an input pipe a background task fills from a host
/// stream. The output pipe has no back-pressure (pause threshold 0), so a flush on the vCPU thread always
/// completes at once: the vCPU never waits for a slow terminal or disk.
/// </summary>
public sealed class DeviceConsole : IAsyncDisposable
{
    private static readonly PipeOptions Options = new(
        readerScheduler: PipeScheduler.ThreadPool,
        writerScheduler: PipeScheduler.ThreadPool,
        pauseWriterThreshold: 0,
        resumeWriterThreshold: 0,
        useSynchronizationContext: false);

    // A direct console's input runs the device's reader continuation on the writer's thread, inside its flush: a
    // device that waits for input with ReadAsync (the UART's receiver) has it in hand when the caller's write returns.
    private static readonly PipeOptions DirectInputOptions = new(
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.ThreadPool,
        pauseWriterThreshold: 0,
        resumeWriterThreshold: 0,
        useSynchronizationContext: false);

    private readonly Pipe _output = new(Options);
    private readonly Pipe _input;
    private readonly Task _outputPump;
    private readonly Task _inputPump;
    private readonly CancellationTokenSource _inputStop = new();

    /// <param name="output">Where guest output goes; null discards it.</param>
    /// <param name="input">Where guest input comes from; null means none (the input pipe is completed).</param>
    public DeviceConsole(Stream? output, Stream? input)
    {
        _input = new Pipe(Options);
        _outputPump = DrainAsync(_output.Reader, output ?? Stream.Null);
        if (input is null)
        {
            _input.Writer.Complete();
            _inputPump = Task.CompletedTask;
        }
        else
        {
            _inputPump = FillAsync(input, _input.Writer, _inputStop.Token);
        }
    }

    private DeviceConsole()
    {
        _input = new Pipe(DirectInputOptions);
        _outputPump = Task.CompletedTask;
        _inputPump = Task.CompletedTask;
    }

    /// <summary>
    /// A console with no host streams and no background tasks: the caller is the host side. What the device
    /// flushes into <see cref="Output"/> can be read from <paramref name="hostOutput"/> at once, and what the
    /// caller flushes into <paramref name="hostInput"/> can be read by the device at once (a device's pending
    /// <c>ReadAsync</c> completes inside the caller's flush), so a test (the mock vCPU kit) sees both directions
    /// without waiting for a pump.
    /// </summary>
    /// <param name="hostOutput">The host's end of the output: what the guest sent.</param>
    /// <param name="hostInput">The host's end of the input: complete it to end the guest's input.</param>
    public static DeviceConsole CreateDirect(out PipeReader hostOutput, out PipeWriter hostInput)
    {
        var console = new DeviceConsole();
        hostOutput = console._output.Reader;
        hostInput = console._input.Writer;
        return console;
    }

    /// <summary>The device's side of the output: bytes the guest sends.</summary>
    public PipeWriter Output => _output.Writer;

    /// <summary>The device's side of the input: bytes for the guest.</summary>
    public PipeReader Input => _input.Reader;

    private static async Task DrainAsync(PipeReader reader, Stream destination)
    {
        while (true)
        {
            var result = await reader.ReadAsync().ConfigureAwait(false);
            foreach (var segment in result.Buffer)
                await destination.WriteAsync(segment).ConfigureAwait(false);
            await destination.FlushAsync().ConfigureAwait(false);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
                break;
        }
        await reader.CompleteAsync().ConfigureAwait(false);
    }

    private static async Task FillAsync(Stream source, PipeWriter writer, CancellationToken cancellation)
    {
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(512);
                var read = await source.ReadAsync(memory, cancellation).ConfigureAwait(false);
                if (read == 0)
                    break;
                writer.Advance(read);
                var flush = await writer.FlushAsync(cancellation).ConfigureAwait(false);
                if (flush.IsCompleted)
                    break;
            }
        }
        catch (OperationCanceledException)
        {
        }
        await writer.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Ends output (everything written so far reaches the host stream first) and stops reading input.</summary>
    public async ValueTask DisposeAsync()
    {
        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        await _outputPump.ConfigureAwait(false);
        _inputStop.Cancel();
        // A console read may not observe cancellation (a terminal's stdin); don't wait for it.
        await Task.WhenAny(_inputPump, Task.Delay(100)).ConfigureAwait(false);
        _inputStop.Dispose();
    }
}
