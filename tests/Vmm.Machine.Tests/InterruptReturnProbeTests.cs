using Vmm.Machine.Tests.Support;

namespace Vmm.Machine.Tests;

/// <summary>The probe library's interrupt stubs return without iret (which this KVM cannot emulate) and lose nothing.</summary>
public sealed class InterruptReturnProbeTests
{
    [Theory]
    [InlineData("kvm")]
    [InlineData("emulator")]
    public void A_handler_runs_and_returns_with_flags_stack_and_registers_restored(string backend)
    {
        var report = ProbeGuest.RunOn(backend, "interrupt-return", "--memory", "16M");

        report.AssertAllPassed();
        Assert.Equal("calls=1", report.Passed("handler-called"));
        // CF (bit 0) set before the interrupt survives it; IF (bit 9) stays clear inside the handler.
        Assert.Equal("eflags after=0x3", report.Passed("flags-restored"));
        Assert.Equal("esp kept, ebx kept", report.Passed("frame-restored"));
        Assert.Equal("calls=2 eflags after=0x202", report.Passed("if-restored"));
    }
}
