using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Kvm.Tests.Guests;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

/// <summary>
/// Interrupts through KVM's in-kernel IOAPIC and local APIC to a 32-bit guest with an IDT (IOAPIC at 0xFEC00000,
/// 82093AA data sheet 3.2; local APIC at 0xFEE00000, Intel SDM Vol. 3A 10.4). The PIC is masked, so only the IOAPIC
/// delivers. Handlers return with <c>popfd; ret</c> after moving EFLAGS, because this machine's KVM cannot emulate a
/// 32-bit IRET.
/// </summary>
public sealed class IoapicTests
{
    private const uint IoapicSelect = 0xFEC0_0000, IoapicWindow = 0xFEC0_0010;
    private const uint LapicSpurious = 0xFEE0_00F0, LapicEoi = 0xFEE0_00B0;
    private const uint GdtBase = 0x2E00, GdtPointer = 0x2E80;
    private const uint IdtBase = 0x3000, IdtPointer = 0x2F00, Counter = 0x500;
    private const byte Vector = 0x30, ReportPort = 0xF4;

    // The handler follows the 2-byte short JMP that starts the program (LegacyPic.HandlerFirst).
    private const uint HandlerAddress = (uint)TestGuest.CodeAddress + 2;

    [Fact]
    public void Pit_interrupts_arrive_on_ioapic_pin_2_as_on_a_pc()
    {
        const uint ticks = 20;
        using var guest = TestGuest.Start(CpuMode.Protected32, a =>
        {
            var wait = a.CreateLabel();
            LegacyPic.HandlerFirst(a, Handler);
            Setup(a);
            Redirect(a, pin: 2, Vector);          // only pin 2: pin 0 stays masked, as after reset
            LegacyPic.StartTimer(a, 1193);
            a.Label(ref wait);
            a.sti();
            a.hlt();
            a.cmp(__dword_ptr[Counter], ticks);
            a.jb(wait);
            a.cli();
            a.mov(eax, __dword_ptr[Counter]);
            a.@out(ReportPort, eax);
            a.hlt();
        }, irqchip: true);
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline(StopOnReport));

        Assert.True(result.Reason == VcpuStopReason.Requested, $"{result.Reason}: {result.Detail}");
        Assert.Equal(ticks, BitConverter.ToUInt32(log.Single(ExitKind.IoOut).Data));
    }

    /// <summary>
    /// A flat GDT in RAM (the boot state's selectors 0x08 and 0x10 have none behind them, and delivering through a
    /// gate loads CS from it), an IDT with one interrupt gate, the PIC masked, the local APIC enabled (spurious 0xFF).
    /// </summary>
    private static void Setup(Assembler a)
    {
        a.cli();
        a.mov(__dword_ptr[GdtBase], 0);
        a.mov(__dword_ptr[GdtBase + 4], 0);
        a.mov(__dword_ptr[GdtBase + 8], 0x0000_FFFFu);
        a.mov(__dword_ptr[GdtBase + 12], 0x00CF_9A00u);   // 0x08: flat 32-bit code
        a.mov(__dword_ptr[GdtBase + 16], 0x0000_FFFFu);
        a.mov(__dword_ptr[GdtBase + 20], 0x00CF_9200u);   // 0x10: flat data
        a.mov(__word_ptr[GdtPointer], 3 * 8 - 1);
        a.mov(__dword_ptr[GdtPointer + 2], GdtBase);
        a.lgdt(__[GdtPointer]);
        a.mov(__dword_ptr[Counter], 0);
        a.mov(__dword_ptr[IdtBase + Vector * 8], (0x08u << 16) | (HandlerAddress & 0xFFFF));
        a.mov(__dword_ptr[IdtBase + Vector * 8 + 4], (HandlerAddress & 0xFFFF_0000) | 0x8E00);   // present, 32-bit interrupt gate
        a.mov(__word_ptr[IdtPointer], 256 * 8 - 1);
        a.mov(__dword_ptr[IdtPointer + 2], IdtBase);
        a.lidt(__[IdtPointer]);
        LegacyPic.Out(a, LegacyPic.MasterData, 0xFF);
        LegacyPic.Out(a, LegacyPic.SlaveData, 0xFF);
        a.mov(__dword_ptr[LapicSpurious], 0x1FF);
        a.cld();
    }

    /// <summary>Redirection entry <paramref name="pin"/>: <paramref name="low"/> (vector, trigger), fixed delivery to APIC id 0.</summary>
    private static void Redirect(Assembler a, int pin, uint low)
    {
        a.mov(__dword_ptr[IoapicSelect], (uint)(0x11 + 2 * pin));
        a.mov(__dword_ptr[IoapicWindow], 0);
        a.mov(__dword_ptr[IoapicSelect], (uint)(0x10 + 2 * pin));
        a.mov(__dword_ptr[IoapicWindow], low);
    }

    /// <summary>Counts, EOIs the local APIC, then returns without IRET.</summary>
    private static void Handler(Assembler a)
    {
        a.inc(__dword_ptr[Counter]);
        a.mov(__dword_ptr[LapicEoi], 0);
        // The frame is EIP, CS, EFLAGS: make it EFLAGS, EIP, then popfd; ret.
        a.push(eax);
        a.mov(eax, __dword_ptr[esp + 4]);
        a.xchg(__dword_ptr[esp + 12], eax);
        a.mov(__dword_ptr[esp + 8], eax);
        a.pop(eax);
        a.add(esp, 4);
        a.popfd();
        a.ret();
    }

    private static void StopOnReport(ref ExitContext exit)
    {
        if (exit.Kind == ExitKind.IoOut && exit.Address == ReportPort)
            exit.Outcome = ExitOutcome.StopVcpu;
    }
}
