using System.Diagnostics;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Kvm.Native;
using Vmm.Kvm.Tests.Guests;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

/// <summary>Stopping a vCPU on real KVM: from another thread, before Run, and from the pipeline with a read pending.</summary>
public sealed class StopTests
{
    [Fact]
    public void RequestStop_from_another_thread_stops_a_spinning_guest_within_a_second()
    {
        // jmp $ never exits on its own: only the signal can get the thread out of KVM_RUN.
        using var guest = TestGuest.Start(CpuMode.Real, a =>
        {
            Label spin = a.CreateLabel();
            a.Label(ref spin);
            a.jmp(spin);
        });
        var log = new ExitLog();
        VcpuRunResult? result = null;
        var thread = new Thread(() => result = guest.Vcpu.Run(log.Pipeline((ref ExitContext exit) => { })));
        thread.Start();
        Thread.Sleep(200); // well inside KVM_RUN by now

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
        Assert.Equal(TestGuest.CodeAddress, guest.Vcpu.GetRegisters().Rip);
    }

    [Fact]
    public void RequestStop_before_Run_makes_Run_return_Requested_without_running_the_guest()
    {
        using var guest = TestGuest.Start(CpuMode.Real, a =>
        {
            a.mov(al, 1);
            a.@out(0x80, al);
            a.hlt();
        });
        var log = new ExitLog();

        guest.Vcpu.RequestStop();
        VcpuRunResult first = guest.Run(log.Pipeline(ExitLog.StopOnHalt));
        Assert.Equal(TestGuest.CodeAddress, guest.Vcpu.GetRegisters().Rip);
        VcpuRunResult second = guest.Run(log.Pipeline(ExitLog.StopOnHalt));

        Assert.Equal(VcpuStopReason.Requested, first.Reason);
        Assert.Equal(VcpuStopReason.Halted, second.Reason);
        Assert.Equal([ExitKind.Cancelled, ExitKind.IoOut, ExitKind.Halt], log.Exits.Select(e => e.Kind));
    }

    [Fact]
    public void In_value_reaches_the_guest_when_the_pipeline_stops_the_vm_on_that_in()
    {
        using var guest = TestGuest.Start(CpuMode.Real, a =>
        {
            a.mov(eax, 0xFFFF_FFFF);
            a.@in(al, 0x64);
            a.hlt();
        });
        var log = new ExitLog();

        VcpuRunResult stopped = guest.Run(log.Pipeline((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.IoIn)
            {
                exit.Data[0] = 0x5A;
                exit.Outcome = ExitOutcome.StopVm;
            }
        }));
        VcpuRegisters afterStop = guest.Vcpu.GetRegisters();
        VcpuRunResult resumed = guest.Run(log.Pipeline(ExitLog.StopOnHalt));

        Assert.Equal(VcpuStopReason.Requested, stopped.Reason);
        Assert.Equal(0xFFFF_FF5Aul, afterStop.Rax & 0xFFFF_FFFF);
        Assert.Equal(TestGuest.CodeAddress + 6 + 2, afterStop.Rip); // past mov eax (66 b8 imm32) and in al, imm8
        Assert.Equal(VcpuStopReason.Halted, resumed.Reason);
        Assert.Equal([ExitKind.IoIn, ExitKind.Halt], log.Exits.Select(e => e.Kind));
    }

    [Fact]
    public void Mmio_read_value_reaches_the_guest_when_the_pipeline_stops_the_vcpu_on_that_read()
    {
        using var guest = TestGuest.Start(CpuMode.Protected32, a =>
        {
            a.mov(ebx, TestGuest.MmioAddress);
            a.mov(ecx, __dword_ptr[ebx]);
            a.hlt();
        });

        VcpuRunResult stopped = guest.Run(new ExitLog().Pipeline((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.MmioRead)
            {
                exit.Data[0] = 0x44;
                exit.Data[1] = 0x33;
                exit.Data[2] = 0x22;
                exit.Data[3] = 0x11;
                exit.Outcome = ExitOutcome.StopVcpu;
            }
        }));

        Assert.Equal(VcpuStopReason.Requested, stopped.Reason);
        Assert.Equal(0x1122_3344ul, guest.Vcpu.GetRegisters().Rcx);
    }

    [Fact]
    public void Kick_signal_outside_KVM_RUN_is_harmless()
    {
        VcpuKickSignal.EnsureInstalled();

        int result = LibC.TgKill(LibC.GetPid(), LibC.GetTid(), VcpuKickSignal.Number);
        Thread.Sleep(100); // the runtime dispatches the no-op handler on its own thread

        Assert.Equal(0, result);
    }

    [Fact]
    public void RequestStop_on_a_disposed_vcpu_is_harmless()
    {
        using var guest = TestGuest.Start(CpuMode.Real, a => a.hlt());
        guest.Vcpu.Dispose();

        guest.Vcpu.RequestStop();
        guest.Vcpu.Dispose();

        Assert.Throws<ObjectDisposedException>(() => guest.Vcpu.Run((ref ExitContext exit) => { }));
    }
}
