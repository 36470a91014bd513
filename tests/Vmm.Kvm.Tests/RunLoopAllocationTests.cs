using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Kvm.Tests.Guests;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

/// <summary>The KVM_RUN loop allocates nothing per exit (the benchmark suite measures time; this guards bytes).</summary>
public sealed class RunLoopAllocationTests
{
    [Fact]
    public void A_run_of_many_io_and_mmio_exits_allocates_nothing_on_the_vcpu_thread()
    {
        const int iterations = 500;
        using var guest = TestGuest.Start(CpuMode.Protected32, a =>
        {
            Label loop = a.CreateLabel();
            a.mov(ecx, iterations);
            a.mov(ebx, TestGuest.MmioAddress);
            a.Label(ref loop);
            a.@out(0x80, al);
            a.@in(al, 0x80);
            a.mov(__dword_ptr[ebx], eax);
            a.mov(eax, __dword_ptr[ebx]);
            a.dec(ecx);
            a.jnz(loop);
            a.hlt();
        });
        int exits = 0;
        ExitHandler pipeline = (ref ExitContext exit) =>
        {
            exits++;
            if (exit.Kind is ExitKind.IoIn or ExitKind.MmioRead)
                exit.Data[0] = 1;
            else if (exit.Kind == ExitKind.Halt)
                exit.Outcome = ExitOutcome.StopVcpu;
        };
        // Warm up: JIT and static initialisation allocate once.
        guest.Run(pipeline);
        guest.Vcpu.SetBootState(new VcpuBootState(CpuMode.Protected32, TestGuest.CodeAddress) { StackPointer = TestGuest.StackTop });
        exits = 0;

        long allocated = -1;
        VcpuRunResult? result = null;
        var thread = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            result = guest.Vcpu.Run(pipeline);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(20)), "the guest did not finish");

        Assert.Equal(VcpuStopReason.Halted, result!.Reason);
        Assert.Equal(4 * iterations + 1, exits);
        Assert.Equal(0, allocated);
    }
}
