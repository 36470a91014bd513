using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Support;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Emulation.Tests;

/// <summary>Once the code is decoded, running it allocates nothing: not per instruction, not per exit.</summary>
public sealed class AllocationTests
{
    [Fact]
    public void A_tight_loop_and_its_exits_allocate_nothing_after_the_first_run()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            Label top = a.CreateLabel();
            a.mov(edx, 10_000);
            a.Label(ref top);
            a.add(eax, ebx);
            a.xor(ecx, eax);
            a.@out(0x80, al);
            a.mov(esi, __dword_ptr[0x3000]);
            a.mov(__dword_ptr[0xD000_0000], esi);      // an MMIO write exit too
            a.dec(edx);
            a.jnz(top);
            a.hlt();
        });
        ExitHandler pipeline = static (ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.Halt)
                exit.Outcome = ExitOutcome.StopVcpu;
        };
        VcpuRegisters start = guest.Registers;
        Assert.Equal(VcpuStopReason.Halted, guest.Vcpu.Run(pipeline).Reason);

        guest.Vcpu.SetRegisters(start);
        long before = GC.GetAllocatedBytesForCurrentThread();
        VcpuRunResult result = guest.Vcpu.Run(pipeline);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(VcpuStopReason.Halted, result.Reason);
        Assert.Equal(0, allocated);
    }
}
