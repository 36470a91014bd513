using Vmm.Core.Hypervisor;
using Vmm.Kvm.Tests.Guests;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

/// <summary>How HLT and a triple fault end a run on real KVM.</summary>
public sealed class HaltAndShutdownTests
{
    [Fact]
    public void Halt_with_StopVcpu_returns_Halted_after_the_hlt()
    {
        using var guest = TestGuest.Start(CpuMode.Real, a =>
        {
            a.nop();
            a.hlt();
        });
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline(ExitLog.StopOnHalt));

        Assert.Equal(VcpuStopReason.Halted, result.Reason);
        Assert.Null(result.Detail);
        RecordedExit halt = Assert.Single(log.Exits);
        Assert.Equal(ExitKind.Halt, halt.Kind);
        Assert.Empty(halt.Data);
        // nop (1 byte) + hlt (1 byte): RIP is past the hlt.
        Assert.Equal(TestGuest.CodeAddress + 2, guest.Vcpu.GetRegisters().Rip);
    }

    [Fact]
    public void Halt_with_Resume_continues_with_the_next_instruction()
    {
        using var guest = TestGuest.Start(CpuMode.Real, a =>
        {
            a.hlt();
            a.mov(al, 0x42);
            a.@out(0x80, al);
            a.hlt();
        });
        var log = new ExitLog();
        int halts = 0;

        VcpuRunResult result = guest.Run(log.Pipeline((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.Halt && ++halts == 2)
                exit.Outcome = ExitOutcome.StopVcpu;
        }));

        Assert.Equal(VcpuStopReason.Halted, result.Reason);
        Assert.Equal([ExitKind.Halt, ExitKind.IoOut, ExitKind.Halt], log.Exits.Select(e => e.Kind));
        Assert.Equal(new byte[] { 0x42 }, log.Exits[1].Data);
    }

    [Fact]
    public void Triple_fault_returns_Shutdown_through_the_pipeline()
    {
        // An IDT limit of 0 (the zeroed RAM at 0x3000 as IDTR) makes #UD, then #GP, then #DF
        // undeliverable: a triple fault, which KVM reports as KVM_EXIT_SHUTDOWN. Protected mode, because
        // KVM's real-mode interrupt emulation (emulate.c __emulate_int_real) ignores the IDT limit.
        using var guest = TestGuest.Start(CpuMode.Protected32, a =>
        {
            a.lidt(__[0x3000]);
            a.ud2();
        });
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline(ExitLog.StopOnHalt));

        Assert.True(result.Reason == VcpuStopReason.Shutdown, $"{result.Reason}: {result.Detail}");
        Assert.Equal(ExitKind.Shutdown, Assert.Single(log.Exits).Kind);
    }
}
