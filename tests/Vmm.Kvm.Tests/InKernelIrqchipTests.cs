using System.Diagnostics;
using Vmm.Core.Hypervisor;
using Vmm.Kvm.Tests.Guests;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

/// <summary>
/// Interrupts through KVM's in-kernel PIC and PIT to real-mode guests: the guest programs the chips with port I/O that
/// never leaves the kernel, and reports through a port the test's pipeline records.
/// </summary>
public sealed class InKernelIrqchipTests(ITestOutputHelper output)
{
    private const byte ReportPort = 0xF4;
    private const ushort RaisePort = 0x300;
    private const ushort LowerPort = 0x301;
    private const ushort CounterAddress = 0x500;
    private const ushort IrrLog = 0x600;

    [Fact]
    public void Pit_channel_0_interrupts_reach_a_real_mode_handler_through_the_pic()
    {
        const ushort ticks = 50;
        const ushort divisor = 1193;   // about 1 kHz
        using var guest = TestGuest.Start(CpuMode.Real, a =>
        {
            var wait = a.CreateLabel();
            LegacyPic.HandlerFirst(a, a =>
            {
                a.inc(__word_ptr[CounterAddress]);
                a.push(ax);
                LegacyPic.EndOfInterrupt(a);
                a.pop(ax);
                a.iret();
            });
            a.cli();
            a.xor(ax, ax);
            a.mov(ds, ax);
            a.mov(__word_ptr[CounterAddress], 0);
            LegacyPic.SetVector(a, LegacyPic.MasterBase);
            LegacyPic.Initialize(a, masterMask: 0xFE);
            LegacyPic.StartTimer(a, divisor);
            a.Label(ref wait);
            a.sti();
            a.hlt();
            a.cmp(__word_ptr[CounterAddress], ticks);
            a.jb(wait);
            a.cli();
            a.mov(ax, __word_ptr[CounterAddress]);
            a.@out(ReportPort, ax);
            a.hlt();
        }, irqchip: true);
        var log = new ExitLog();

        var clock = Stopwatch.StartNew();
        VcpuRunResult result = guest.Run(log.Pipeline(StopOnReport));
        clock.Stop();

        Assert.True(result.Reason == VcpuStopReason.Requested, $"{result.Reason}: {result.Detail}");
        RecordedExit report = log.Single(ExitKind.IoOut);
        Assert.Equal(ReportPort, report.Address);
        Assert.Equal(ticks, BitConverter.ToUInt16(report.Data));
        // Mode 2 at 1.193182 MHz / 1193: 50 ticks take 50 ms of guest time; a PIT that ran free or not at all would not.
        Assert.InRange(clock.Elapsed.TotalMilliseconds, 40, 20_000);
        output.WriteLine($"{ticks} PIT interrupts at divisor {divisor} in {clock.Elapsed.TotalMilliseconds:F1} ms: {ticks / clock.Elapsed.TotalSeconds:F0} per second");
    }

    [Fact]
    public void A_level_triggered_line_raised_by_the_host_interrupts_until_lowered()
    {
        const int rounds = 3;
        using var guest = TestGuest.Start(CpuMode.Real, a =>
        {
            var round = a.CreateLabel();
            var spin = a.CreateLabel();
            // A level-triggered handler: acknowledge the device (it lowers the line) before the EOI, else the PIC
            // would interrupt again the moment IRET sets IF.
            LegacyPic.HandlerFirst(a, a =>
            {
                a.inc(__word_ptr[CounterAddress]);
                a.push(ax);
                a.push(dx);
                a.mov(dx, LowerPort);
                a.@out(dx, al);
                LegacyPic.EndOfInterrupt(a);
                a.pop(dx);
                a.pop(ax);
                a.iret();
            });
            a.cli();
            a.xor(ax, ax);
            a.mov(ds, ax);
            a.mov(es, ax);
            a.cld();
            a.mov(__word_ptr[CounterAddress], 0);
            LegacyPic.SetVector(a, LegacyPic.MasterBase + 5);
            LegacyPic.Initialize(a, masterMask: 0xDF);
            LegacyPic.Out(a, LegacyPic.ElcrMaster, 1 << 5);   // IRQ 5 level-triggered, as a PCI INTx would be
            LegacyPic.Out(a, LegacyPic.MasterCommand, 0x0A);   // OCW3: reads of port 0x20 return the IRR
            a.mov(cx, rounds);
            a.mov(di, IrrLog);
            a.Label(ref round);
            a.mov(dx, RaisePort);
            a.@out(dx, al);       // the device raises GSI 5
            a.@in(al, (byte)LegacyPic.MasterCommand);
            a.stosb();            // IRR with the line raised
            a.sti();
            a.hlt();              // the handler runs, then execution resumes here
            // Interrupts stay enabled a while: a line left raised would interrupt again here.
            a.mov(bx, 200);
            a.Label(ref spin);
            a.dec(bx);
            a.jnz(spin);
            a.cli();
            a.@in(al, (byte)LegacyPic.MasterCommand);
            a.stosb();            // IRR once the handler had the device lower it
            a.loop(round);
            a.mov(ax, __word_ptr[CounterAddress]);
            a.@out(ReportPort, ax);
            a.hlt();
        }, irqchip: true);
        IInterruptLine line = guest.Vm.GetInterruptLine(5);
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline((ref ExitContext exit) =>
        {
            if (exit.Kind != ExitKind.IoOut)
                return;
            if (exit.Address == RaisePort)
                line.Raise();
            else if (exit.Address == LowerPort)
                line.Lower();
            StopOnReport(ref exit);
        }));

        Assert.True(result.Reason == VcpuStopReason.Requested, $"{result.Reason}: {result.Detail}");
        Assert.Equal(rounds, BitConverter.ToUInt16(log.Exits.Single(e => e.Address == ReportPort).Data));
        Assert.Equal(
            Enumerable.Repeat(new[] { RaisePort, LowerPort }, rounds).SelectMany(p => p).Append((ushort)ReportPort),
            log.Exits.Select(e => (ushort)e.Address));
        Assert.False(line.IsRaised);
        // The PIC's request register (OCW3 read) saw the level: bit 5 set while raised, clear once lowered.
        Assert.Equal(Enumerable.Repeat(new byte[] { 1 << 5, 0 }, rounds).SelectMany(b => b), guest.Memory(IrrLog, 2 * rounds).ToArray());
    }

    private static void StopOnReport(ref ExitContext exit)
    {
        if (exit.Kind == ExitKind.IoOut && exit.Address == ReportPort)
            exit.Outcome = ExitOutcome.StopVcpu;
    }
}
