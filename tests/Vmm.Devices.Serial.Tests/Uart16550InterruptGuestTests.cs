using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Devices.DebugExit;
using Vmm.Sdk.Testing;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Devices.Serial.Tests.Com1;

namespace Vmm.Devices.Serial.Tests;

/// <summary>
/// An interrupt-driven driver on the emulator's PC chipset: the guest sleeps in HLT, console input lands in the
/// receive FIFO, and the UART's interrupt (here the character timeout, the input being below the trigger level)
/// reaches its IRQ 4 handler through the PIC.
/// </summary>
public sealed class Uart16550InterruptGuestTests
{
    private const ushort DebugExitPort = 0x501;
    private const ushort HandlerAddress = 0x600;
    private const ushort IirLog = 0x500;           // the handler stores each IIR it read here, one byte after another

    [Fact]
    public void A_sleeping_guest_is_woken_by_the_timeout_interrupt_and_echoes_the_input()
    {
        using var vm = TestVm.Create(b => b
            .AddPlugin<SerialPlugin>().AddDevice("uart16550", "com1", new { Port = Base, Irq })
            .AddPlugin<DebugExitPlugin>().AddDevice("debug-exit", new { Port = DebugExitPort }));
        vm.WriteMemory(HandlerAddress, Assemble(Handler(), HandlerAddress));

        using var run = vm.StartGuest(Driver());
        run.WaitUntilIdle();
        vm.Console("com1").WriteInput("hi.");
        run.WaitUntilIdle();                                  // 3 bytes, trigger 8: no interrupt yet
        Assert.Empty(vm.Console("com1").ReadOutput());
        run.AdvanceClockWhenIdle(TimeSpan.FromMilliseconds(5)); // 4 characters at 9600 baud: 4.2 ms
        var result = run.Wait();

        Assert.Equal(VmStopKind.DeviceRequested, result.Status.Kind);
        Assert.Equal(('.' << 1) | 1, result.ExitCode);
        Assert.Equal("hi.", vm.Console("com1").ReadOutputText());
        Assert.Equal(FifosOn | TimeoutPending, vm.ReadMemory(IirLog, 1)[0]);
    }

    /// <summary>Sets up the IVT, the PIC (IRQ 4 at vector 0x24), FIFOs with trigger 8, OUT2 and ERBFI, then sleeps.</summary>
    private static Assembler Driver()
    {
        var a = new Assembler(16);
        a.cli();
        a.xor(ax, ax);
        a.mov(ds, ax);
        a.mov(__word_ptr[0x24 * 4], HandlerAddress);
        a.mov(__word_ptr[0x24 * 4 + 2], 0);
        a.mov(di, IirLog);
        Out(a, 0x20, 0x11);
        Out(a, 0x21, 0x20);
        Out(a, 0x21, 0x04);
        Out(a, 0x21, 0x01);
        Out(a, 0x21, unchecked((byte)~(1 << Irq)));
        Out(a, 0xa1, 0xff);
        Out(a, FifoControl, FifoEnable | ResetReceiver | 0x80);
        Out(a, ModemControl, Dtr | Rts | Out2);
        Out(a, InterruptEnable, ReceivedDataInterrupt);
        a.sti();
        var sleep = a.CreateLabel();
        a.Label(ref sleep);
        a.hlt();
        a.jmp(sleep);
        return a;
    }

    /// <summary>IRQ 4: log IIR, drain the FIFO echoing each byte, stop on '.', EOI, IRET.</summary>
    private static Assembler Handler()
    {
        var a = new Assembler(16);
        var drain = a.CreateLabel();
        var done = a.CreateLabel();
        a.mov(dx, InterruptId);
        a.@in(al, dx);
        a.mov(__byte_ptr[di], al);
        a.inc(di);
        a.Label(ref drain);
        a.mov(dx, LineStatus);
        a.@in(al, dx);
        a.test(al, DataReady);
        a.jz(done);
        a.mov(dx, Data);
        a.@in(al, dx);
        a.@out(dx, al);
        a.cmp(al, (byte)'.');
        a.jne(drain);
        a.mov(dx, DebugExitPort);
        a.@out(dx, al);
        a.Label(ref done);
        Out(a, 0x20, 0x20);
        a.iret();
        return a;
    }

    private static void Out(Assembler a, ushort port, byte value)
    {
        a.mov(dx, port);
        a.mov(al, value);
        a.@out(dx, al);
    }

    private static byte[] Assemble(Assembler a, ulong ip)
    {
        using var code = new MemoryStream();
        a.Assemble(new StreamCodeWriter(code), ip);
        return code.ToArray();
    }
}
