using Vmm.Machine.Tests.Support;

namespace Vmm.Machine.Tests;

/// <summary>
/// QEMU's fw_cfg from inside a multiboot kernel (tests/Guests/probes/fwcfg.c): signature, ID, the DMA register's
/// signature, CPU count, RAM size, and a file given with --fw-cfg (to the pc machine's fw_cfg) found in the directory and read through the data
/// port and by DMA.
/// </summary>
public sealed class FwCfgProbeTests
{
    [Theory]
    [InlineData("kvm")]
    [InlineData("emulator")]
    public void The_guest_finds_the_signature_cpu_count_ram_size_and_a_named_file(string backend)
    {
        var report = ProbeGuest.RunOn(backend, "fwcfg", "--memory", "16M", "--cpus", "2",
            "--fw-cfg", "opt/org.vmm/probe,string=hello from the host");

        report.AssertAllPassed();
        Assert.Equal("QEMU", report.Passed("signature"));
        Assert.Equal("0x3", report.Passed("id"));
        Assert.Equal("QEMU CFG", report.Passed("dma-signature"));
        Assert.Equal("2", report.Passed("cpu-count"));
        Assert.Equal($"{16 << 20}", report.Passed("ram-size"));
        Assert.Equal("count=1 select=0x20 size=19", report.Passed("file-entry"));
        Assert.Equal("hello from the host", report.Passed("file-data"));
        Assert.Equal("hello from the host control=0x0", report.Passed("file-dma"));
        Assert.Equal("control=0x1", report.Passed("dma-error"));
    }

    [Fact]
    public void Without_the_file_the_directory_check_fails()
    {
        var report = ProbeGuest.Run("fwcfg", "--memory", "16M");

        Assert.Equal("count=0 select=0x0 size=0", report.Failed("file-entry"));
        Assert.Equal("1", report.Passed("cpu-count"));
    }
}
