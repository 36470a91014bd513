using System.Buffers.Binary;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Sdk.Testing.Tests.Devices;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Sdk.Testing.Tests;

/// <summary>
/// Guests that wait in HLT for interrupts while the test drives the fake clock: the emulator's PIT and PIC, and a
/// device's timer, reaching IVT and IDT handlers.
/// </summary>
public sealed class TimerInterruptGuestTests
{
    private const ushort Probe = 0x100;
    private const ushort Stop = Probe + (ushort)ProbeDevice.StopRegister;
    private const byte DebugExitPort = 0xF4;

    private static void Out(Assembler a, byte port, byte value)
    {
        a.mov(al, value);
        a.@out(port, al);
    }

    /// <summary>Linux's ICW sequence: IRQ 0-7 at <paramref name="vectorBase"/>, only <paramref name="irq"/> unmasked, the slave masked.</summary>
    private static void ProgramPic(Assembler a, byte vectorBase, int irq)
    {
        Out(a, 0x20, 0x11);
        Out(a, 0x21, vectorBase);
        Out(a, 0x21, 0x04);
        Out(a, 0x21, 0x01);
        Out(a, 0x21, (byte)~(1 << irq));
        Out(a, 0xA1, 0xFF);
    }

    private static byte[] Assemble(Assembler a, ulong ip)
    {
        using var code = new MemoryStream();
        a.Assemble(new StreamCodeWriter(code), ip);
        return code.ToArray();
    }

    [Fact]
    public void A_real_mode_guest_counts_pit_ticks_as_the_test_advances_the_clock()
    {
        const int ticks = 5;
        // The real isa-debug-exit plugin, as QEMU test kernels use it: a write of v exits with (v << 1) | 1.
        using var vm = TestVm.Create(b => b
            .AddPluginsFrom(Path.Combine(AppContext.BaseDirectory, "plugins", "Vmm.Devices.DebugExit"))
            .AddDevice("debug-exit", new { Port = DebugExitPort }));
        // The IRQ 0 handler at 0000:0600: count in BX, non-specific EOI, IRET.
        var handler = new Assembler(16);
        handler.inc(bx);
        Out(handler, 0x20, 0x20);
        handler.iret();
        vm.WriteMemory(0x600, Assemble(handler, 0x600));

        var a = new Assembler(16);
        a.cli();
        a.mov(__word_ptr[0x20 * 4], 0x600);
        a.mov(__word_ptr[0x20 * 4 + 2], 0);
        ProgramPic(a, 0x20, 0);
        Out(a, 0x43, 0x34);                          // counter 0, LSB then MSB, mode 2
        Out(a, 0x40, 1193 & 0xFF);                   // 1193: 1000 Hz
        Out(a, 0x40, 1193 >> 8);
        a.xor(bx, bx);
        a.sti();
        var wait = a.CreateLabel();
        a.Label(ref wait);
        a.hlt();
        a.cmp(bx, ticks);
        a.jb(wait);
        a.cli();
        a.mov(al, bl);
        a.@out(DebugExitPort, al);                   // the VM exits with (count << 1) | 1
        a.hlt();

        using var run = vm.StartGuest(a);
        for (int i = 0; i < ticks; i++)
            run.AdvanceClockWhenIdle(TimeSpan.FromMilliseconds(1));
        var result = run.Wait();

        Assert.Equal(VmStopKind.DeviceRequested, result.Status.Kind);
        Assert.Equal((ticks << 1) | 1, result.ExitCode);
        Assert.Equal(TimeSpan.FromMilliseconds(ticks), vm.Clock.GetUtcNow() - vm.Clock.Start);
        Assert.Equal(ticks, vm.InterruptController.InterruptsAcknowledged);
        // The PIT's pulses on IRQ 0 are in its log, stamped with the fake clock: one per millisecond.
        Assert.Equal(Enumerable.Range(1, ticks).Select(ms => TimeSpan.FromMilliseconds(ms)),
            vm.Irq(0).Log.Where(e => e.Change == InterruptLineChange.Raised).Select(e => e.Elapsed));
        Assert.Equal(0, vm.InterruptController.InService);
        // The PIC and PIT belong to the machine, as KVM's in-kernel ones do: the pipeline saw only the stop.
        var exit = Assert.Single(vm.Exits);
        Assert.Equal((ExitKind.IoOut, (ulong)DebugExitPort, (ulong)ticks), (exit.Kind, exit.Address, exit.Value));
    }

    [Fact]
    public void A_device_timer_interrupt_reaches_a_protected_mode_idt_handler()
    {
        const ushort timerPort = 0x300;
        const ulong idt = 0x6000, idtr = 0x6800, gdt = 0x7000, handlerAddress = 0x2000;
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>()
            .AddDevice("probe", "p", new { Port = Probe })
            .AddDevice("timer", "t", new { Port = timerPort, Irq = 3 }));

        var tables = new byte[0x1100];
        BinaryPrimitives.WriteUInt64LittleEndian(tables.AsSpan((int)(gdt - idt) + 8), 0x00CF_9A00_0000_FFFF);
        BinaryPrimitives.WriteUInt64LittleEndian(tables.AsSpan((int)(gdt - idt) + 16), 0x00CF_9200_0000_FFFF);
        BinaryPrimitives.WriteUInt64LittleEndian(tables.AsSpan(0x33 * 8),
            (handlerAddress & 0xFFFF) | (8ul << 16) | (0x8E00ul << 32) | ((handlerAddress >> 16) << 48));   // 32-bit interrupt gate
        BinaryPrimitives.WriteUInt16LittleEndian(tables.AsSpan((int)(idtr - idt)), 0x40 * 8 - 1);
        BinaryPrimitives.WriteUInt32LittleEndian(tables.AsSpan((int)(idtr - idt) + 2), (uint)idt);
        BinaryPrimitives.WriteUInt16LittleEndian(tables.AsSpan((int)(idtr - idt) + 8), 23);
        BinaryPrimitives.WriteUInt32LittleEndian(tables.AsSpan((int)(idtr - idt) + 10), (uint)gdt);
        vm.WriteMemory(idt, tables);
        // The handler: EBX = the interrupted EIP, EOI, IRETD.
        var handler = new Assembler(32);
        handler.mov(ebx, __dword_ptr[esp]);
        Out(handler, 0x20, 0x20);
        handler.iretd();
        vm.WriteMemory(handlerAddress, Assemble(handler, handlerAddress));

        var a = new Assembler(32);
        a.lgdt(__[idtr + 8]);
        a.lidt(__[idtr]);
        ProgramPic(a, 0x30, 3);
        a.mov(dx, timerPort);
        a.mov(al, 5);
        a.@out(dx, al);                              // the device raises IRQ 3 in 5 ms
        a.xor(ebx, ebx);
        a.sti();
        var wait = a.CreateLabel();
        a.Label(ref wait);
        a.hlt();
        a.test(ebx, ebx);
        a.jz(wait);
        a.cli();
        a.@in(al, dx);                               // acknowledge the device: it lowers its line
        a.mov(dx, Stop);
        a.mov(al, 42);
        a.@out(dx, al);
        a.hlt();

        using var run = vm.StartGuest(a, CpuMode.Protected32);
        run.AdvanceClockWhenIdle(TimeSpan.FromMilliseconds(4));
        run.AdvanceClockWhenIdle(TimeSpan.FromMilliseconds(1));
        var result = run.Wait();

        Assert.Equal(42, result.ExitCode);
        Assert.InRange(result.Registers.Rbx, TestVm.DefaultLoadAddress, TestVm.DefaultLoadAddress + 0x80);
        Assert.Equal(1, vm.InterruptController.InterruptsAcknowledged);
        Assert.Equal(
            [(InterruptLineChange.Raised, TimeSpan.FromMilliseconds(5)), (InterruptLineChange.Lowered, TimeSpan.FromMilliseconds(5))],
            vm.Irq(3).Log.Select(e => (e.Change, e.Elapsed)));
    }

    [Fact]
    public void Waiting_for_idle_reports_a_guest_that_stopped_instead()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().AddDevice("probe", "p", new { Port = Probe }));
        var a = new Assembler(16);
        a.mov(dx, Stop);
        a.mov(al, 3);
        a.@out(dx, al);
        a.hlt();

        using var run = vm.StartGuest(a);
        var error = Assert.Throws<InvalidOperationException>(() => run.WaitUntilIdle(TimeSpan.FromSeconds(10)));

        Assert.Contains("DeviceRequested, exit code 3", error.Message);
        Assert.Equal(3, run.Wait().ExitCode);
    }
}
