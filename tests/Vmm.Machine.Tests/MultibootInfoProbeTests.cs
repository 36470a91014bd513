using Vmm.Machine.Tests.Support;

namespace Vmm.Machine.Tests;

/// <summary>The multiboot-info probe: what vmm's multiboot loader passes, as a kernel on KVM sees it.</summary>
public sealed class MultibootInfoProbeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vmm-probe-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A module of <paramref name="length"/> bytes in the pattern the probe checks, byte[i] = i * 7 + 3.</summary>
    private string WriteModule(string name, int length, int corruptAt = -1)
    {
        var bytes = Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3)).ToArray();
        if (corruptAt >= 0)
            bytes[corruptAt] ^= 0xFF;
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData("kvm")]
    [InlineData("emulator")]
    public void The_kernel_sees_the_memory_command_line_module_and_loader_name_it_was_given(string backend)
    {
        var module = WriteModule("pattern.bin", 5000);

        var report = ProbeGuest.RunOn(backend, "multiboot-info", "--memory", "128M", "--cmdline", "probe=1 hello", "--module", $"{module} m=1");

        report.AssertAllPassed();
        Assert.StartsWith("cr0=0x", report.Passed("cpu-mode"));
        Assert.Equal("eax=0x2badb002", report.Passed("magic"));
        // mem (0), cmdline (2), mods (3), mmap (6), boot_loader_name (9).
        Assert.Equal("0x24d", report.Passed("flags"));
        Assert.Equal("640", report.Passed("mem-lower"));
        Assert.Equal($"{(128 << 10) - 1024}", report.Passed("mem-upper"));
        // 640 KiB below the hole and 127 MiB above 1 MiB.
        Assert.Equal($"entries=4 available={640 + (127 << 10)}KiB", report.Passed("mmap"));
        Assert.Equal("0xa0000-0xfffff reserved", report.Passed("mmap-hole"));
        Assert.Equal($"{ProbeGuest.KernelPath("multiboot-info")} probe=1 hello", report.Passed("cmdline"));
        Assert.Equal("count=1", report.Passed("mods"));
        Assert.Equal("0 length=5000", report.Passed("module-bytes"));
        Assert.Equal($"0 {module} m=1", report.Passed("module-string"));
        Assert.StartsWith("0 start=0x", report.Passed("module-layout"));
        Assert.StartsWith("info=0x", report.Passed("info-layout"));
        Assert.Equal("vmm", report.Passed("boot-loader-name"));
    }

    [Fact]
    public void Memory_fields_follow_the_vm_size()
    {
        var report = ProbeGuest.Run("multiboot-info", "--memory", "16M", "--module", WriteModule("m.bin", 1));

        report.AssertAllPassed();
        Assert.Equal($"{(16 << 10) - 1024}", report.Passed("mem-upper"));
        Assert.Equal($"entries=4 available={640 + (15 << 10)}KiB", report.Passed("mmap"));
    }

    [Fact]
    public void A_module_with_a_wrong_byte_is_reported_as_a_failure()
    {
        var module = WriteModule("corrupt.bin", 300, corruptAt: 299);

        var report = ProbeGuest.Run("multiboot-info", "--memory", "32M", "--module", module);

        Assert.Equal(ProbeGuest.FailedExitCode, report.ExitCode);
        Assert.Equal("0 length=300", report.Failed("module-bytes"));
        Assert.Contains("DONE 1 failed", report.Output);
    }

    [Fact]
    public void Without_modules_the_probe_fails_its_module_check()
    {
        var report = ProbeGuest.Run("multiboot-info", "--memory", "32M");

        Assert.Equal(ProbeGuest.FailedExitCode, report.ExitCode);
        Assert.Equal("count=0", report.Failed("mods"));
    }
}
