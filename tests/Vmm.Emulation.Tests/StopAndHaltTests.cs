using System.Diagnostics;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Support;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Emulation.Tests;

/// <summary>How a run ends, as on KVM: HLT, RequestStop from anywhere, outcomes that stop the vCPU.</summary>
public sealed class StopAndHaltTests
{
    [Fact]
    public void RequestStop_from_another_thread_stops_a_spinning_guest_within_a_second()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            Label spin = a.CreateLabel();
            a.Label(ref spin);
            a.jmp(spin);
        });
        var log = new ExitLog();
        VcpuRunResult? result = null;
        var thread = new Thread(() => result = guest.Vcpu.Run(log.Pipeline((ref ExitContext exit) => { })));
        thread.Start();
        Thread.Sleep(200);

        var clock = Stopwatch.StartNew();
        guest.Vcpu.RequestStop();
        bool stopped = thread.Join(TimeSpan.FromSeconds(1));
        clock.Stop();
        if (!stopped)
        {
            guest.Vcpu.RequestStop();
            thread.Join(TimeSpan.FromSeconds(5));
        }

        Assert.True(stopped, "Run did not return within a second of RequestStop");
        Assert.Equal(VcpuStopReason.Requested, result!.Reason);
        Assert.Equal(ExitKind.Cancelled, Assert.Single(log.Exits).Kind);
        Assert.Equal(EmulatedGuest.CodeAddress, guest.Registers.Rip);
        Assert.True(guest.Vcpu.InstructionsRetired > 1000);
    }

    [Fact]
    public void RequestStop_stops_a_long_rep_stos_in_the_middle_and_it_resumes()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            Label again = a.CreateLabel();
            a.Label(ref again);
            a.mov(edi, 0x10_0000);
            a.mov(ecx, 0x40_0000);
            a.rep.stosb();
            a.jmp(again);
        }, ramSize: 0x80_0000);
        VcpuRunResult? result = null;
        var thread = new Thread(() => result = guest.Vcpu.Run((ref ExitContext exit) => { }));
        thread.Start();
        Thread.Sleep(100);

        guest.Vcpu.RequestStop();

        Assert.True(thread.Join(TimeSpan.FromSeconds(1)));
        Assert.Equal(VcpuStopReason.Requested, result!.Reason);
        // It stopped inside the 4 MiB REP STOSB (after mov edi and mov ecx, 5 bytes each), with RDI and RCX
        // consistent, so running on finishes the string where it left off.
        VcpuRegisters r = guest.Registers;
        Assert.Equal(EmulatedGuest.CodeAddress + 10, r.Rip);
        Assert.InRange(r.Rcx, 1ul, 0x40_0000ul - 1);
        Assert.Equal(0x40_0000ul - r.Rcx, r.Rdi - 0x10_0000);
    }

    [Fact]
    public void RequestStop_before_Run_returns_Requested_without_running_the_guest()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.mov(al, 1);
            a.@out(0x80, al);
            a.hlt();
        });
        var log = new ExitLog();

        guest.Vcpu.RequestStop();
        VcpuRunResult first = guest.Run(log.Pipeline());
        ulong ripAfterFirst = guest.Registers.Rip;
        VcpuRunResult second = guest.Run(log.Pipeline());

        Assert.Equal(VcpuStopReason.Requested, first.Reason);
        Assert.Equal(EmulatedGuest.CodeAddress, ripAfterFirst);
        Assert.Equal(VcpuStopReason.Halted, second.Reason);
        Assert.Equal([ExitKind.Cancelled, ExitKind.IoOut, ExitKind.Halt], log.Exits.Select(e => e.Kind));
    }

    [Fact]
    public void Halt_with_StopVcpu_returns_Halted_with_rip_after_the_hlt()
    {
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Real, [0x90, 0xF4]);
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline());

        Assert.Equal(VcpuStopReason.Halted, result.Reason);
        Assert.Null(result.Detail);
        RecordedExit halt = Assert.Single(log.Exits);
        Assert.Equal(ExitKind.Halt, halt.Kind);
        Assert.Empty(halt.Data);
        Assert.Equal(EmulatedGuest.CodeAddress + 1, halt.InstructionPointer);
        Assert.Equal(EmulatedGuest.CodeAddress + 2, guest.Registers.Rip);
    }

    [Fact]
    public void Halt_with_Resume_continues_with_the_next_instruction()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
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
    }

    [Fact]
    public void RequestStop_from_the_pipeline_during_an_exit_sends_a_cancelled_exit_and_stops()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.@out(0x80, al);
            a.@out(0x81, al);
            a.hlt();
        });
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.IoOut)
                guest.Vcpu.RequestStop();
        }));

        Assert.Equal(VcpuStopReason.Requested, result.Reason);
        Assert.Equal([ExitKind.IoOut, ExitKind.Cancelled], log.Exits.Select(e => e.Kind));
        Assert.Equal(EmulatedGuest.CodeAddress + 2, guest.Registers.Rip);
    }

    [Fact]
    public void Running_a_vcpu_twice_at_once_is_refused()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a => a.hlt());
        InvalidOperationException? error = null;

        guest.RunToHalt((ref ExitContext exit) =>
        {
            error = Assert.Throws<InvalidOperationException>(() => guest.Vcpu.Run((ref ExitContext e) => { }));
        });

        Assert.Contains("already running", error!.Message);
    }

    [Fact]
    public void A_disposed_vcpu_refuses_to_run_and_RequestStop_stays_harmless()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a => a.hlt());
        guest.Vcpu.Dispose();

        guest.Vcpu.RequestStop();
        guest.Vcpu.Dispose();

        Assert.Throws<ObjectDisposedException>(() => guest.Vcpu.Run((ref ExitContext exit) => { }));
    }
}
