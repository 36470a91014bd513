using System.Text;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Devices.DebugExit;
using Vmm.Devices.Serial;
using Vmm.Sdk.Testing;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Devices.Serial.Tests;

/// <summary>
/// The polled path end to end: a real-mode guest, assembled here with Iced and run by the x86 emulator, prints
/// through the UART the way a polled driver does (wait for LSR.THRE, then write THR).
/// </summary>
public sealed class Uart16550GuestTests
{
    private const ushort Com1 = 0x3f8;
    private const ushort LineStatus = Com1 + 5;
    private const byte TransmitterHoldingEmpty = 0x20;
    private const ushort DebugExitPort = 0x501;

    // The guest's strings are placed in RAM by the test, above the code at 0x7c00.
    private const ushort MessageAddress = 0x8000;

    private static TestVm Create() => TestVm.Create(b => b
        .AddPlugin<SerialPlugin>().AddDevice("uart16550", "com1", new { Port = Com1, Irq = 4 })
        .AddPlugin<DebugExitPlugin>().AddDevice("debug-exit", new { Port = DebugExitPort })
        .WithUnhandledAccess(UnhandledAccessPolicy.Fail));

    /// <summary>Prints the NUL-terminated string at <see cref="MessageAddress"/> on COM1, polling LSR before each byte.</summary>
    private static void EmitPrint(Assembler a)
    {
        var next = a.CreateLabel();
        var wait = a.CreateLabel();
        var done = a.CreateLabel();
        a.xor(ax, ax);
        a.mov(ds, ax);
        a.cld();
        a.mov(si, MessageAddress);
        a.Label(ref next);
        a.lodsb();
        a.test(al, al);
        a.jz(done);
        a.mov(bl, al);
        a.Label(ref wait);
        a.mov(dx, LineStatus);
        a.@in(al, dx);
        a.test(al, TransmitterHoldingEmpty);
        a.jz(wait);
        a.mov(dx, Com1);
        a.mov(al, bl);
        a.@out(dx, al);
        a.jmp(next);
        a.Label(ref done);
    }

    [Fact]
    public void A_polled_driver_prints_through_the_uart_to_the_console()
    {
        using var vm = Create();
        vm.WriteMemory(MessageAddress, Encoding.ASCII.GetBytes("Hello from a polled driver!\n\0"));
        var a = new Assembler(16);
        EmitPrint(a);
        a.hlt();

        var result = vm.RunGuest(a, CpuMode.Real);

        Assert.True(result.Halted);
        Assert.Equal("Hello from a polled driver!\n", vm.Console("com1").ReadOutputText());
        // Each byte: at least one LSR poll, then the THR write.
        Assert.Equal(28, vm.Exits.Count(e => e.Kind == Vmm.Sdk.ExitKind.IoOut && e.Address == Com1));
        Assert.True(vm.Exits.Count(e => e.Kind == Vmm.Sdk.ExitKind.IoIn && e.Address == LineStatus) >= 28);
    }

    [Fact]
    public void A_guest_reports_its_result_through_debug_exit_after_printing()
    {
        using var vm = Create();
        vm.WriteMemory(MessageAddress, "ok\n\0"u8);
        var a = new Assembler(16);
        EmitPrint(a);
        a.mov(dx, DebugExitPort);
        a.mov(al, 0x10);
        a.@out(dx, al);
        a.hlt();

        var result = vm.RunGuest(a, CpuMode.Real);

        Assert.Equal(new VmExitStatus(VmStopKind.DeviceRequested, (0x10 << 1) | 1), result.Status);
        Assert.Equal("ok\n", vm.Console("com1").ReadOutputText());
    }

    [Fact]
    public void A_guest_reads_what_the_console_typed()
    {
        using var vm = Create();
        vm.Console("com1").Input.Write("Z"u8);
        var a = new Assembler(16);
        var wait = a.CreateLabel();
        a.Label(ref wait);
        a.mov(dx, LineStatus);
        a.@in(al, dx);
        a.test(al, 0x01);       // LSR.DR
        a.jz(wait);
        a.mov(dx, Com1);
        a.@in(al, dx);
        a.@out(dx, al);         // echo it back
        a.hlt();

        var result = vm.RunGuest(a, CpuMode.Real);

        Assert.Equal((ulong)'Z', result.Registers.Rax & 0xff);
        Assert.Equal("Z", vm.Console("com1").ReadOutputText());
    }
}
