using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Vmm.Sdk.Testing;

/// <summary>
/// The host side of one device instance's console in a <see cref="TestVm"/>: bytes for the device to receive,
/// and the bytes it sent. Both directions are direct pipes (no background pump), so what a device flushed during
/// a scripted access is in <see cref="ReadOutput"/> as soon as the access returns, and what a test writes to
/// <see cref="Input"/> is readable by the device at once. Get one with <see cref="TestVm.Console"/>.
/// </summary>
/// <example>
/// <code>
/// vm.Console("com1").Input.Write("hi"u8);
/// Assert.Equal((byte)'h', vm.In8(0x3f8));
/// vm.Out8(0x3f8, (byte)'!');
/// Assert.Equal("!", vm.Console("com1").ReadOutputText());
/// </code>
/// </example>
public sealed class TestConsole
{
    private readonly Lock _gate = new();
    private readonly PipeReader _output;
    private readonly PipeWriter _input;
    private readonly ArrayBufferWriter<byte> _received = new();
    private bool _outputEnded;

    internal TestConsole(string deviceName, PipeReader output, PipeWriter input)
    {
        DeviceName = deviceName;
        _output = output;
        _input = input;
        Input = new ConsoleInputStream(input);
    }

    /// <summary>The device instance the console belongs to.</summary>
    public string DeviceName { get; }

    /// <summary>
    /// What the device receives: each <c>Write</c> is flushed into the device's input pipe before it returns.
    /// Dispose it (or call <see cref="CompleteInput"/>) to end the input, as a closed terminal would.
    /// </summary>
    public Stream Input { get; }

    /// <summary>Queues <paramref name="text"/> (Latin-1, one byte per character) for the device to receive.</summary>
    public void WriteInput(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Input.Write(Encoding.Latin1.GetBytes(text));
    }

    /// <summary>Ends the input: the device sees no more bytes after those already written.</summary>
    public void CompleteInput() => _input.Complete();

    /// <summary>
    /// Every byte the device has sent since the VM was created (or since <see cref="ClearOutput"/>). Never blocks:
    /// it returns what the device has flushed so far.
    /// </summary>
    public byte[] ReadOutput()
    {
        lock (_gate)
        {
            Drain();
            return _received.WrittenSpan.ToArray();
        }
    }

    /// <summary><see cref="ReadOutput"/> as text, one character per byte (Latin-1), so any byte survives.</summary>
    public string ReadOutputText() => Encoding.Latin1.GetString(ReadOutput());

    /// <summary>Forgets the output received so far, so the next <see cref="ReadOutput"/> returns only newer bytes.</summary>
    public void ClearOutput()
    {
        lock (_gate)
        {
            Drain();
            _received.ResetWrittenCount();
        }
    }

    private void Drain()
    {
        if (_outputEnded)
            return;
        // TryRead never waits; the device's flush has already made its bytes readable.
        while (_output.TryRead(out var result))
        {
            foreach (var segment in result.Buffer)
                _received.Write(segment.Span);
            _output.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                _outputEnded = true;
                _output.Complete();
                return;
            }
            if (result.Buffer.IsEmpty)
                return;
        }
    }

    /// <summary>A write-only stream over the console's input pipe that flushes every write.</summary>
    private sealed class ConsoleInputStream(PipeWriter writer) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            writer.Write(buffer);
            // The console pipe has no back-pressure, so the flush completes at once.
            writer.FlushAsync().AsTask().GetAwaiter().GetResult();
        }

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                writer.Complete();
            base.Dispose(disposing);
        }
    }
}
