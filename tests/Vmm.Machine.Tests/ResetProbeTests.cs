using Vmm.Machine.Tests.Support;

namespace Vmm.Machine.Tests;

/// <summary>
/// The machine reset from inside a multiboot kernel (tests/Guests/probes/reset.c): the i8042's command 0xFE resets
/// the machine, which boots the kernel again with CMOS RAM kept (QEMU's behaviour), or with <c>--no-reboot</c> stops
/// the VM after the first boot (QEMU's <c>-no-reboot</c>), on each backend.
/// </summary>
public sealed class ResetProbeTests
{
    private const string ResetLog = "Machine reset #";

    [Theory]
    [InlineData("kvm")]
    [InlineData("emulator")]
    public void A_reset_through_the_i8042_boots_the_kernel_again_and_cmos_keeps_the_marker(string backend)
    {
        var report = ProbeGuest.RunOn(backend, "reset", "--memory", "16M", "--verbose");

        report.AssertAllPassed();
        Assert.Equal("magic=0x2badb002", report.Passed("first-boot"));
        Assert.Equal("0xa5", report.Passed("marker-written"));
        Assert.Equal("magic=0x2badb002", report.Passed("second-boot"));
        Assert.Equal("marker=0xa5", report.Passed("reset-survived-cmos"));
        // The first boot's lines, the reset, then the second boot: one reset, one reload.
        var resetting = report.Output.IndexOf("INFO resetting", StringComparison.Ordinal);
        Assert.True(resetting > 0 && resetting < report.Output.IndexOf("INFO boot 2 cmos[0x3c]=0xa5", StringComparison.Ordinal), report.ToString());
        Assert.Contains(ResetLog + "1 ", report.Stderr);
        Assert.DoesNotContain(ResetLog + "2 ", report.Stderr);
    }

    [Theory]
    [InlineData("kvm")]
    [InlineData("emulator")]
    public void With_no_reboot_the_vm_stops_at_the_reset_with_status_0_after_the_first_boot(string backend)
    {
        var report = ProbeGuest.RunOn(backend, "reset", "--memory", "16M", "--verbose", "--no-reboot");

        Assert.Equal(0, report.ExitCode);
        Assert.Equal("magic=0x2badb002", report.Passed("first-boot"));
        Assert.Equal("0xa5", report.Passed("marker-written"));
        Assert.EndsWith("INFO resetting\n", report.Output.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain(report.Checks, c => c.Name is "second-boot" or "reset-survived-cmos" or "reset");
        Assert.DoesNotContain("DONE", report.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(ResetLog, report.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_keyboard_controller_the_machine_is_not_reset_and_the_probe_fails()
    {
        // No machine devices (the pc machine brings an i8042): COM1 for the report and the CMOS for the marker.
        var report = ProbeGuest.RunOn("emulator", "reset", "--memory", "16M", "--machine", "none",
            "--device", "uart16550,name=com1,port=0x3f8,irq=4,console=stdout", "--device", "mc146818");

        Assert.Equal(ProbeGuest.FailedExitCode, report.ExitCode);
        Assert.Equal("0xa5", report.Passed("marker-written"));
        Assert.Equal("still running after 0xfe to port 0x64", report.Failed("reset"));
        Assert.DoesNotContain(report.Checks, c => c.Name == "second-boot");
    }

    [Fact]
    public void Without_cmos_the_probe_fails_before_resetting()
    {
        var report = ProbeGuest.RunOn("emulator", "reset", "--memory", "16M", "--machine", "none",
            "--device", "uart16550,name=com1,port=0x3f8,irq=4,console=stdout", "--device", "i8042");

        Assert.Equal(ProbeGuest.FailedExitCode, report.ExitCode);
        Assert.Equal("cmos[0x3c]=0xff", report.Failed("marker-clear")); // an unclaimed port reads all-ones
        Assert.DoesNotContain("INFO resetting", report.Output, StringComparison.Ordinal);
    }
}
