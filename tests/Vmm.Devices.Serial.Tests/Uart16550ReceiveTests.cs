using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Vmm.Sdk;
using static Vmm.Devices.Serial.Tests.Com1;

namespace Vmm.Devices.Serial.Tests;

/// <summary>Console input flowing into the receive FIFO as it has room: never lost, never overrun, never waited for by a vCPU.</summary>
public sealed class Uart16550ReceiveTests
{
    [Fact]
    public void Input_longer_than_the_fifo_arrives_whole_through_data_interrupts_without_overrun()
    {
        using var vm = Create();
        vm.Out8(FifoControl, FifoEnable | 0x80);            // trigger at 8
        vm.Out8(InterruptEnable, ReceivedDataInterrupt | LineStatusInterrupt);
        string text = string.Concat(Enumerable.Repeat("0123456789abcdef-", 6));

        vm.Console("com1").WriteInput(text);

        // An interrupt-driven driver: on each interrupt, drain while DR is set.
        var received = new StringBuilder();
        int interrupts = 0;
        while (vm.Irq(Irq).IsRaised)
        {
            interrupts++;
            Assert.Equal(FifosOn | DataPending, vm.In8(InterruptId));
            byte status;
            while (((status = vm.In8(LineStatus)) & DataReady) != 0)
            {
                Assert.Equal(0, status & OverrunError);
                received.Append((char)vm.In8(Data));
            }
        }
        Assert.Equal(text, received.ToString());
        Assert.Equal(1, interrupts);                        // the reads kept taking input in as room appeared
    }

    [Fact]
    public void The_fifo_holds_sixteen_and_the_rest_waits_in_the_console()
    {
        using var vm = Create();
        vm.Out8(FifoControl, FifoEnable);
        vm.Out8(ModemControl, Out2);
        vm.Console("com1").WriteInput("ABCDEFGHIJKLMNOPQRSTUVWXYZ");

        // Looping the receiver back disconnects the console: only the 16 already in the FIFO are there.
        vm.Out8(ModemControl, Loop | Out2);
        int count = 0;
        while ((vm.In8(LineStatus) & DataReady) != 0)
        {
            vm.In8(Data);
            count++;
        }
        Assert.Equal(16, count);

        vm.Out8(ModemControl, Out2);
        Assert.Equal((byte)'Q', vm.In8(Data));
    }

    [Fact]
    public async Task Input_from_a_thread_pool_console_raises_the_line_with_no_vcpu_access()
    {
        // The pipe as the host's real console builds it: thread-pool continuations, so input arrives on its own.
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.ThreadPool, writerScheduler: PipeScheduler.ThreadPool,
            pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
        var line = new SignallingLine();
        using var uart = new Uart16550(new DeviceIdentity("com1", "uart16550"), NullLogger<Uart16550>.Instance,
            input: pipe.Reader, interrupt: line);
        uart.Write(new BusAccess(InterruptEnable, 1, 0, 0), [ReceivedDataInterrupt]);

        await pipe.Writer.WriteAsync("k"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.True(line.Raised.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Span<byte> data = stackalloc byte[1];
        uart.Read(new BusAccess(Data, 0, 0, 0), data);
        Assert.Equal((byte)'k', data[0]);
        Assert.False(line.IsRaised);
    }

    private sealed class SignallingLine : IInterruptLine
    {
        public ManualResetEventSlim Raised { get; } = new();
        public int Gsi => Irq;
        public bool IsRaised { get; private set; }
        public void Raise() { IsRaised = true; Raised.Set(); }
        public void Lower() => IsRaised = false;
        public void Pulse() => Raised.Set();
    }
}
