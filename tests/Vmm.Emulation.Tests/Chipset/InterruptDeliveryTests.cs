using System.Buffers.Binary;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Chipset;
using Vmm.Emulation.Tests.Support;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Emulation.Tests.Chipset;

/// <summary>Interrupts from the emulated VM's PIC reaching guest handlers, and HLT waiting for them.</summary>
public sealed class InterruptDeliveryTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    /// <summary>Linux's ICW sequence with the master's vectors at <paramref name="vectorBase"/>, every IRQ but <paramref name="irq"/> masked.</summary>
    private static void ProgramPic(Assembler a, byte vectorBase, int irq)
    {
        foreach ((byte port, byte value) in new (byte, byte)[] { (0x20, 0x11), (0x21, vectorBase), (0x21, 0x04), (0x21, 0x01), (0x21, (byte)~(1 << irq)) })
        {
            a.mov(al, value);
            a.@out(port, al);
        }
    }

    /// <summary>A real-mode handler at 0200:0000 that counts in BX, sends a non-specific EOI and returns.</summary>
    private static void InstallRealModeCounter(EmulatedGuest g, int vector)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(g.Memory((ulong)vector * 4, 4), 0x0200_0000);
        var h = new Assembler(16);
        h.inc(bx);
        h.mov(al, 0x20);
        h.@out(0x20, al);
        h.iret();
        byte[] code = Assemble(h, 0);
        code.CopyTo(g.Memory(0x2000, code.Length));
    }

    [Fact]
    public async Task A_line_pulsed_from_another_thread_wakes_a_halted_real_mode_guest_into_its_ivt_handler()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            ProgramPic(a, 0x20, 5);
            a.xor(bx, bx);
            a.sti();
            var wait = a.CreateLabel();
            a.Label(ref wait);
            a.hlt();
            a.cmp(bx, 3);
            a.jb(wait);
            a.cli();
            a.hlt();
        }, prepare: g => InstallRealModeCounter(g, 0x25));
        PcChipset chipset = guest.Vm.Chipset!;
        IInterruptLine line = guest.Vm.GetInterruptLine(5);

        Task<ExitLog> run = Task.Run(() => guest.RunToHalt(), TestContext.Current.CancellationToken);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(chipset.WaitUntilIdle(s_wait), $"the guest did not halt waiting for interrupt {i + 1}");
            line.Pulse();
        }

        ExitLog log = await run.WaitAsync(s_wait, TestContext.Current.CancellationToken);
        Assert.Equal(3ul, guest.Registers.Rbx & 0xFFFF);
        Assert.Equal(3, chipset.InterruptsAcknowledged);
        Assert.Equal(3, guest.Vcpu.ExternalInterrupts);
        // The PIC's ports are the VM's own: the pipeline saw only the final HLT (IF=0), as on KVM's irqchip.
        Assert.Equal(ExitKind.Halt, Assert.Single(log.Exits).Kind);
        PicState pic = chipset.ReadPicState();
        Assert.Equal(0, pic.InService);
        Assert.Equal(0xFFDF, pic.Masked & 0x00FF | 0xFF00);
    }

    [Fact]
    public void On_the_system_clock_the_pit_ticks_in_real_time()
    {
        const int ticks = 10;
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            ProgramPic(a, 0x20, 0);
            a.mov(al, 0x34);                         // counter 0, LSB then MSB, mode 2
            a.@out(0x43, al);
            a.mov(al, 1193 & 0xFF);                  // 1000 Hz
            a.@out(0x40, al);
            a.mov(al, 1193 >> 8);
            a.@out(0x40, al);
            a.xor(bx, bx);
            a.sti();
            var wait = a.CreateLabel();
            a.Label(ref wait);
            a.hlt();
            a.cmp(bx, ticks);
            a.jb(wait);
            a.cli();
            a.hlt();
        }, prepare: g => InstallRealModeCounter(g, 0x20));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        guest.RunToHalt();

        Assert.Equal((ulong)ticks, guest.Registers.Rbx & 0xFFFF);
        // Ten periods of 0.99985 ms: never sooner (the PIT cannot run ahead of the clock), and in this test's
        // timeout however loaded the host is.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(ticks - 1), $"{ticks} ticks took only {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_device_interrupt_reaches_a_protected_mode_idt_handler()
    {
        const ulong idt = 0x6000, idtr = 0x6800, gdt = 0x7000, handler = 0x2000;
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.lgdt(__[idtr + 8]);
            a.lidt(__[idtr]);
            ProgramPic(a, 0x30, 4);
            a.xor(ebx, ebx);
            a.sti();
            var wait = a.CreateLabel();
            a.Label(ref wait);
            a.hlt();
            a.test(ebx, ebx);
            a.jz(wait);
            a.cli();
            a.hlt();
        }, prepare: g =>
        {
            g.WriteQword(gdt + 8, 0x00CF_9A00_0000_FFFF);
            g.WriteQword(gdt + 16, 0x00CF_9200_0000_FFFF);
            BinaryPrimitives.WriteUInt16LittleEndian(g.Memory(idtr + 8, 2), 23);
            BinaryPrimitives.WriteUInt32LittleEndian(g.Memory(idtr + 10, 4), (uint)gdt);
            BinaryPrimitives.WriteUInt16LittleEndian(g.Memory(idtr, 2), 0x40 * 8 - 1);
            BinaryPrimitives.WriteUInt32LittleEndian(g.Memory(idtr + 2, 4), (uint)idt);
            g.WriteQword(idt + 0x34 * 8, (handler & 0xFFFF) | (8ul << 16) | (0x8E00ul << 32) | ((handler >> 16) << 48));
            // The handler: EBX = the interrupted EIP, ESI = the pushed EFLAGS, EDI = EFLAGS inside (IF clear), EOI, IRET.
            var h = new Assembler(32);
            h.mov(ebx, __dword_ptr[esp]);
            h.mov(esi, __dword_ptr[esp + 8]);
            h.pushfd();
            h.pop(edi);
            h.mov(al, 0x20);
            h.@out(0x20, al);
            h.iretd();
            byte[] code = Assemble(h, handler);
            code.CopyTo(g.Memory(handler, code.Length));
        });

        Task<ExitLog> run = Task.Run(() => guest.RunToHalt(), TestContext.Current.CancellationToken);
        Assert.True(guest.Vm.Chipset!.WaitUntilIdle(s_wait));
        guest.Vm.GetInterruptLine(4).Raise();
        await run.WaitAsync(s_wait, TestContext.Current.CancellationToken);

        VcpuRegisters r = guest.Registers;
        Assert.InRange(r.Rbx, EmulatedGuest.CodeAddress, EmulatedGuest.CodeAddress + 0x40);   // just after the HLT it woke from
        Assert.Equal(Flag.IF, r.Rsi & Flag.IF);
        Assert.Equal(0ul, r.Rdi & Flag.IF);
        // Edge-triggered and still raised: one interrupt, not one per EOI.
        Assert.Equal(1, guest.Vcpu.ExternalInterrupts);
    }

    [Fact]
    public void The_instruction_after_sti_runs_before_a_pending_interrupt()
    {
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Real,
        [
            0x90,                   // 1000: nop
            0xFB,                   // 1001: sti
            0xB9, 0x07, 0x00,       // 1002: mov cx, 7       (in the STI shadow)
            0xBA, 0x09, 0x00,       // 1005: mov dx, 9       (the interrupt comes before this)
            0xFA,                   // 1008: cli
            0xF4,                   // 1009: hlt
        ], prepare: g =>
        {
            BinaryPrimitives.WriteUInt32LittleEndian(g.Memory(0x28 * 4, 4), 0x0200_0000);
            // The handler: SI = the return IP, DI = DX as it was, EOI, IRET.
            var h = new Assembler(16);
            h.mov(bp, sp);
            h.mov(si, __word_ptr[bp]);
            h.mov(di, dx);
            h.mov(al, 0x20);
            h.@out(0x20, al);
            h.iret();
            byte[] code = Assemble(h, 0);
            code.CopyTo(g.Memory(0x2000, code.Length));
        });
        PcChipset chipset = guest.Vm.Chipset!;
        foreach ((ushort port, byte value) in new (ushort, byte)[] { (0x20, 0x11), (0x21, 0x28), (0x21, 0x04), (0x21, 0x01) })
            chipset.WritePort(port, value);
        guest.Vm.GetInterruptLine(0).Pulse();
        Assert.Equal(0x28, chipset.ReadPicState().PendingVector);

        guest.RunToHalt();

        VcpuRegisters r = guest.Registers;
        Assert.Equal(0x1005ul, r.Rsi & 0xFFFF);
        Assert.Equal(7ul, r.Rcx & 0xFFFF);
        Assert.Equal(0ul, r.Rdi & 0xFFFF);
        Assert.Equal(9ul, r.Rdx & 0xFFFF);
    }

    [Fact]
    public void An_interrupt_with_no_ivt_handler_stops_the_run_naming_the_vector()
    {
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Real, [0xFB, 0x90, 0xF4]);
        PcChipset chipset = guest.Vm.Chipset!;
        foreach ((ushort port, byte value) in new (ushort, byte)[] { (0x20, 0x11), (0x21, 0x70), (0x21, 0x04), (0x21, 0x01) })
            chipset.WritePort(port, value);
        guest.Vm.GetInterruptLine(3).Pulse();

        VcpuRunResult result = guest.Run(new ExitLog().Pipeline());

        Assert.Equal(VcpuStopReason.Fatal, result.Reason);
        Assert.Contains("interrupt vector 0x73 from the PIC", result.Detail);
    }

    [Fact]
    public async Task Hlt_with_interrupts_enabled_waits_until_a_stop_is_requested()
    {
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Real, [0xFB, 0xF4, 0xF4]);
        var log = new ExitLog();
        Task<VcpuRunResult> run = Task.Run(() => guest.Run(log.Pipeline()), TestContext.Current.CancellationToken);
        Assert.True(guest.Vm.Chipset!.WaitUntilIdle(s_wait));
        Assert.False(run.IsCompleted);

        guest.Vcpu.RequestStop();

        VcpuRunResult result = await run.WaitAsync(s_wait, TestContext.Current.CancellationToken);
        Assert.Equal(VcpuStopReason.Requested, result.Reason);
        Assert.Equal(ExitKind.Cancelled, Assert.Single(log.Exits).Kind);
    }

    [Fact]
    public void Chipset_ports_reach_the_pipeline_only_when_the_chipset_is_off()
    {
        static void Program(Assembler a)
        {
            a.mov(al, 0xFE);
            a.@out(0x21, al);
            a.@in(al, 0x21);
            a.mov(bl, al);
            a.@out(0x80, al);
            a.hlt();
        }

        using (EmulatedGuest with = EmulatedGuest.Start(CpuMode.Real, Program))
        {
            ExitLog log = with.RunToHalt();
            Assert.Equal(0xFEul, with.Registers.Rbx & 0xFF);
            Assert.Equal(new ulong[] { 0x80 }, log.OfKind(ExitKind.IoOut).Select(e => e.Address));
            Assert.Empty(log.OfKind(ExitKind.IoIn));
        }

        using (EmulatedGuest without = EmulatedGuest.Start(CpuMode.Real, Program, options: new EmulatorOptions { LegacyChipset = false }))
        {
            Assert.Null(without.Vm.Chipset);
            ExitLog log = without.RunToHalt();
            Assert.Equal(new ulong[] { 0x21, 0x80 }, log.OfKind(ExitKind.IoOut).Select(e => e.Address));
            Assert.Equal(0x21ul, log.Single(ExitKind.IoIn).Address);
        }
    }

    [Fact]
    public async Task An_application_processor_with_no_boot_state_waits_until_stopped()
    {
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Real, [0xF4]);
        using EmulatedVcpu ap = guest.Vm.CreateVcpu(1);
        var log = new ExitLog();
        Task<VcpuRunResult> run = Task.Run(() => ap.Run(log.Pipeline()), TestContext.Current.CancellationToken);
        Assert.NotSame(run, await Task.WhenAny(run, Task.Delay(200, TestContext.Current.CancellationToken)));
        Assert.Equal(0, ap.InstructionsRetired);

        ap.RequestStop();

        Assert.Equal(VcpuStopReason.Requested, (await run.WaitAsync(s_wait, TestContext.Current.CancellationToken)).Reason);
        Assert.Equal(ExitKind.Cancelled, Assert.Single(log.Exits).Kind);
    }

    private static byte[] Assemble(Assembler a, ulong ip)
    {
        var writer = new ListCodeWriter();
        a.Assemble(writer, ip);
        return [.. writer.Bytes];
    }
}
