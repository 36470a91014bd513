using Vmm.Core.Hypervisor;
using Vmm.Kvm.Tests.Guests;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

/// <summary>
/// A KVM that cannot run an instruction stops with KVM_EXIT_INTERNAL_ERROR; the run ends with one line naming the
/// suberror and the registers. This machine's software KVM cannot emulate a 32-bit protected-mode IRET; a hardware
/// KVM runs it, and then the guest must simply go on.
/// </summary>
public sealed class InternalErrorTests(ITestOutputHelper output)
{
    [Fact]
    public void A_32_bit_iret_runs_or_ends_with_one_line_naming_the_suberror_and_registers()
    {
        // pushfd (1 byte), push 8 (2), push imm32 (5), iretd (1): the return lands on the next instruction.
        const int returnAddress = (int)TestGuest.CodeAddress + 9;
        using var guest = TestGuest.Start(CpuMode.Protected32, a =>
        {
            a.pushfd();
            a.push(0x08);        // the flat code selector VcpuBootSetup loads
            a.push(returnAddress);
            a.iretd();
            a.mov(al, 0x5A);
            a.@out(0x80, al);
            a.hlt();
        });
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline(ExitLog.StopOnHalt));
        output.WriteLine($"{result.Reason}: {result.Detail}");

        if (result.Reason == VcpuStopReason.Halted)
        {
            Assert.Equal(new byte[] { 0x5A }, log.Single(ExitKind.IoOut).Data);
            return;
        }

        Assert.Equal(VcpuStopReason.Fatal, result.Reason);
        string detail = result.Detail!;
        Assert.DoesNotContain('\n', detail);
        Assert.StartsWith("vCPU 0: KVM_EXIT_INTERNAL_ERROR: KVM_INTERNAL_ERROR_", detail);
        Assert.Contains("cs=0008 rip=", detail);
        Assert.Contains("rflags=", detail);
        Assert.Contains("cr0=", detail);
    }
}
