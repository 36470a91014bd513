using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vmm.Devices.Serial;
using Vmm.Devices.Tests.Fakes;
using Vmm.Sdk;

namespace Vmm.Devices.Tests;

/// <summary>The 16550A alone: register accesses as a guest's IN/OUT would make them, console pipes as the core builds them.</summary>
public sealed class Uart16550Tests
{
    // Offsets and bits as the PC16550D datasheet names them, written out here rather than taken
    // from the device so that a wrong constant in the device fails a test.
    private const ulong Com1 = 0x3f8;
    private const ulong RbrThr = 0, IerDlm = 1, Iir = 2, Lcr = 3, Mcr = 4, Lsr = 5, Msr = 6, Scr = 7;
    private const byte Dlab = 0x80, DataReady = 0x01, ThreAndTemt = 0x60;

    private readonly Pipe _output = PipeExtensions.CreateConsolePipe();
    private readonly Pipe _input = PipeExtensions.CreateConsolePipe();

    private Uart16550 CreateUart(bool withInput = true, ILogger<Uart16550>? logger = null, PipeWriter? output = null) =>
        new(new DeviceIdentity("com1", SerialPlugin.DeviceTypeName), logger ?? NullLogger<Uart16550>.Instance,
            output ?? _output.Writer, withInput ? _input.Reader : null);

    private static byte In(Uart16550 uart, ulong offset)
    {
        Span<byte> data = stackalloc byte[1];
        uart.Read(new BusAccess(Com1 + offset, offset, 0, 0), data);
        return data[0];
    }

    private static void Out(Uart16550 uart, ulong offset, byte value) =>
        uart.Write(new BusAccess(Com1 + offset, offset, 0, 0), [value]);

    private void Type(string text)
    {
        _input.Writer.Write(Encoding.ASCII.GetBytes(text));
        Assert.True(_input.Writer.FlushAsync(TestContext.Current.CancellationToken).IsCompleted);
    }

    [Theory]
    [InlineData(IerDlm, 0x00)]      // no interrupts enabled
    [InlineData(Iir, 0x01)]         // no interrupt pending, FIFOs off
    [InlineData(Lcr, 0x03)]         // 8N1
    [InlineData(Mcr, 0x08)]         // OUT2
    [InlineData(Lsr, ThreAndTemt)]  // ready to transmit, nothing received
    [InlineData(Msr, 0xb0)]         // DCD, DSR, CTS: a connected peer
    [InlineData(Scr, 0x00)]
    public void Registers_read_their_reset_values(ulong offset, byte expected) =>
        Assert.Equal(expected, In(CreateUart(), offset));

    [Theory]
    [InlineData(Scr, 0x5a, 0x5a)]
    [InlineData(Scr, 0xff, 0xff)]
    [InlineData(Scr, 0x00, 0x00)]
    [InlineData(Lcr, 0x1b, 0x1b)]   // 8 bits, even parity, 1 stop bit
    [InlineData(Lcr, 0x7f, 0x7f)]
    [InlineData(Lcr, 0x83, 0x83)]   // DLAB set reads back too
    [InlineData(IerDlm, 0x0f, 0x0f)]
    [InlineData(IerDlm, 0xff, 0x0f)] // IER bits 4-7 are not implemented on a 16550A
    [InlineData(Mcr, 0x1f, 0x1f)]
    [InlineData(Mcr, 0xff, 0x1f)]   // MCR bits 5-7 are not implemented
    [InlineData(Iir, 0xc7, 0xc1)]   // a write to offset 2 is FCR: FIFOs on (IIR bits 6-7), nothing pending
    [InlineData(Iir, 0x06, 0x01)]   // FCR bit 0 clear: the FIFOs stay off
    [InlineData(Lsr, 0x00, ThreAndTemt)] // LSR is read-only
    [InlineData(Msr, 0x00, 0xb0)]   // MSR is read-only
    public void Registers_read_back_what_was_written(ulong offset, byte written, byte expected)
    {
        var uart = CreateUart();

        Out(uart, offset, written);

        Assert.Equal(expected, In(uart, offset));
    }

    [Theory]
    [InlineData(0x01, 0x00)] // 115200 baud
    [InlineData(0x0c, 0x00)] // 9600 baud
    [InlineData(0x80, 0x01)] // 300 baud
    public void Dlab_switches_offsets_0_and_1_to_the_divisor_latch_and_back(byte low, byte high)
    {
        var uart = CreateUart(withInput: false);
        Out(uart, IerDlm, 0x05);

        Out(uart, Lcr, Dlab | 0x03);
        Out(uart, RbrThr, low);
        Out(uart, IerDlm, high);
        Assert.Equal(low, In(uart, RbrThr));
        Assert.Equal(high, In(uart, IerDlm));
        Assert.Empty(_output.Reader.ReadAvailable());   // the DLL write was not transmitted

        Out(uart, Lcr, 0x03);
        Assert.Equal(0x05, In(uart, IerDlm));           // IER kept its value under the latch
        Assert.Equal(0x00, In(uart, RbrThr));           // RBR, empty
        Out(uart, RbrThr, (byte)'x');
        Assert.Equal("x"u8.ToArray(), _output.Reader.ReadAvailable());

        Out(uart, Lcr, Dlab | 0x03);
        Assert.Equal(low, In(uart, RbrThr));            // the divisor survived the transmit
        Assert.Equal(high, In(uart, IerDlm));
    }

    [Fact]
    public void Transmitted_bytes_reach_the_console_byte_exact_in_order()
    {
        var uart = CreateUart();

        foreach (byte b in "Hello\n"u8)
            Out(uart, RbrThr, b);

        Assert.Equal("Hello\n"u8.ToArray(), _output.Reader.ReadAvailable());
    }

    [Fact]
    public void Line_status_always_has_the_transmitter_empty()
    {
        var uart = CreateUart();

        for (int i = 0; i < 100; i++)
        {
            Out(uart, RbrThr, (byte)i);
            Assert.Equal(ThreAndTemt, In(uart, Lsr) & ThreAndTemt);
        }
    }

    [Fact]
    public void Received_bytes_appear_in_rbr_with_data_ready_set_then_cleared()
    {
        var uart = CreateUart();
        Assert.Equal(0, In(uart, Lsr) & DataReady);

        Type("ok");

        Assert.Equal(DataReady, In(uart, Lsr) & DataReady);
        Assert.Equal((byte)'o', In(uart, RbrThr));
        Assert.Equal(DataReady, In(uart, Lsr) & DataReady);
        Assert.Equal((byte)'k', In(uart, RbrThr));
        Assert.Equal(0, In(uart, Lsr) & DataReady);
        Assert.Equal(0, In(uart, RbrThr));
    }

    [Fact]
    public void Input_longer_than_the_receive_buffer_arrives_whole_and_in_order()
    {
        var uart = CreateUart();
        string text = string.Concat(Enumerable.Repeat("The quick brown fox. ", 5));
        Type(text);

        var received = new List<byte>();
        while ((In(uart, Lsr) & DataReady) != 0)
            received.Add(In(uart, RbrThr));

        Assert.Equal(text, Encoding.ASCII.GetString([.. received]));
    }

    [Fact]
    public void Rbr_reads_while_dlab_is_set_do_not_consume_input()
    {
        var uart = CreateUart();
        Type("a");

        Out(uart, Lcr, Dlab);
        In(uart, RbrThr);
        Out(uart, Lcr, 0x03);

        Assert.Equal((byte)'a', In(uart, RbrThr));
    }

    [Fact]
    public void Without_an_input_pipe_nothing_is_ever_received()
    {
        var uart = CreateUart(withInput: false);

        Assert.Equal(ThreAndTemt, In(uart, Lsr));
        Assert.Equal(0, In(uart, RbrThr));
    }

    [Fact]
    public async Task Input_that_has_ended_is_received_to_its_last_byte_then_reads_as_nothing()
    {
        var uart = CreateUart();
        const string Text = "more than sixteen bytes, then the end\n";
        Type(Text);
        await _input.Writer.CompleteAsync();

        var received = new List<byte>();
        while ((In(uart, Lsr) & DataReady) != 0)
            received.Add(In(uart, RbrThr));

        Assert.Equal(Text, Encoding.ASCII.GetString([.. received]));
        Assert.Equal(0, In(uart, RbrThr));
        Assert.Equal(0, In(uart, Lsr) & DataReady);
    }

    [Theory]
    [InlineData(RbrThr, 2)]
    [InlineData(RbrThr, 4)]
    [InlineData(Lcr, 2)]
    [InlineData(Lsr, 2)]
    [InlineData(Lsr, 4)]
    [InlineData(Msr, 4)]   // runs past SCR
    [InlineData(Scr, 2)]
    [InlineData(Scr, 8)]
    [InlineData(8, 1)]     // past the last register
    [InlineData(12, 4)]
    [InlineData(ulong.MaxValue, 4)]
    public void Wide_and_stray_accesses_fill_only_the_first_byte_and_never_throw(ulong offset, int size)
    {
        var uart = CreateUart();
        Out(uart, Scr, 0x5a);
        byte expectedFirst = offset <= Scr ? In(uart, offset) : (byte)0;

        byte[] data = new byte[size];
        uart.Read(new BusAccess(Com1 + offset, offset, 0, 0), data);

        Assert.Equal(expectedFirst, data[0]);
        Assert.All(data[1..], b => Assert.Equal(0, b));
        uart.Write(new BusAccess(Com1 + offset, offset, 0, 0), data);
    }

    [Fact]
    public void A_wide_write_to_thr_transmits_only_its_first_byte()
    {
        var uart = CreateUart();

        uart.Write(new BusAccess(Com1, RbrThr, 0, 0), "AB"u8);

        Assert.Equal("A"u8.ToArray(), _output.Reader.ReadAvailable());
    }

    [Fact]
    public void Empty_accesses_are_ignored()
    {
        var uart = CreateUart();

        uart.Read(new BusAccess(Com1, RbrThr, 0, 0), Span<byte>.Empty);
        uart.Write(new BusAccess(Com1, RbrThr, 0, 0), ReadOnlySpan<byte>.Empty);

        Assert.Empty(_output.Reader.ReadAvailable());
    }

    [Fact]
    public void Output_that_cannot_flush_at_once_is_dropped_and_logged_once_never_waited_for()
    {
        // A pipe with back-pressure after 1 byte and inline continuations, so the test controls when
        // the flush completes. The core never builds such a pipe: this is the "if it ever does not" path.
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 1, resumeWriterThreshold: 1, useSynchronizationContext: false));
        var logger = new RecordingLogger<Uart16550>();
        var uart = CreateUart(logger: logger, output: pipe.Writer);

        Out(uart, RbrThr, (byte)'a');   // in the pipe; its flush now waits for the reader
        Out(uart, RbrThr, (byte)'b');   // dropped
        Out(uart, RbrThr, (byte)'c');   // dropped, not logged again
        Assert.Equal("a"u8.ToArray(), pipe.Reader.ReadAvailable());
        Out(uart, RbrThr, (byte)'d');   // the flush completed: output resumes

        Assert.Equal("d"u8.ToArray(), pipe.Reader.ReadAvailable());
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("com1", entry.Message);
    }

    [Fact]
    public async Task Output_after_the_console_closed_is_discarded_without_error()
    {
        var uart = CreateUart();
        await _output.Reader.CompleteAsync();
        Out(uart, RbrThr, (byte)'a');
        Out(uart, RbrThr, (byte)'b');

        var other = PipeExtensions.CreateConsolePipe();
        var uart2 = CreateUart(output: other.Writer);
        await other.Writer.CompleteAsync();
        Out(uart2, RbrThr, (byte)'a');
        Out(uart2, RbrThr, (byte)'b');
    }

    [Fact]
    public void Bytes_from_several_vcpus_at_once_all_reach_the_console()
    {
        const int Vcpus = 4, BytesEach = 10_000;
        var uart = CreateUart();

        Parallel.For(0, Vcpus, vcpu =>
        {
            for (int i = 0; i < BytesEach; i++)
                uart.Write(new BusAccess(Com1, RbrThr, 0, vcpu), [(byte)('0' + vcpu)]);
        });

        byte[] output = _output.Reader.ReadAvailable();
        for (int vcpu = 0; vcpu < Vcpus; vcpu++)
            Assert.Equal(BytesEach, output.Count(b => b == '0' + vcpu));
    }
}
