using Vmm.Host.Demo;
using Vmm.Host.Tests.Support;

namespace Vmm.Host.Tests;

public sealed class ConfigFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vmm-run-").FullName;

    [Fact]
    public void A_config_runs_a_flat_binary_with_its_devices_and_writes_the_console_to_a_file()
    {
        KvmRequirement.RequireOrSkip();
        File.WriteAllBytes(Path.Combine(_folder, "guest.bin"), DemoGuest.Assemble());
        File.WriteAllText(Path.Combine(_folder, "vm.json"), """
            {
              "memory": "2M",
              "image": { "path": "guest.bin", "address": "0x7c00" },
              "devices": [
                { "type": "uart16550", "name": "com1", "console": "file:serial.txt", "options": { "port": "0x3f8", "irq": 4 } },
                { "type": "debug-exit", "options": { "port": "0x501" } }
              ]
            }
            """);

        var (exitCode, stdout, stderr) = VmmProcess.Run("run", Path.Combine(_folder, "vm.json"));

        Assert.True(exitCode == DemoGuest.ExpectedExitCode, stderr);
        Assert.Empty(stdout);
        Assert.Equal(DemoGuest.Greeting, File.ReadAllText(Path.Combine(_folder, "serial.txt")));
    }

    [Fact]
    public void Without_a_debug_exit_device_the_guest_halts_and_vmm_exits_0()
    {
        File.WriteAllBytes(Path.Combine(_folder, "guest.bin"), DemoGuest.Assemble());
        File.WriteAllText(Path.Combine(_folder, "vm.json"), """
            { "memory": "1M", "image": { "path": "guest.bin" }, "devices": [ { "type": "uart16550", "name": "com1", "console": "stdout" } ] }
            """);

        // On the emulator, which has no interrupt controller: on KVM the PC machine's in-kernel APIC handles HLT, and a
        // guest halting with interrupts off waits for ever, as under QEMU.
        var (exitCode, stdout, stderr) = VmmProcess.Run("run", Path.Combine(_folder, "vm.json"), "--backend", "emulator");

        // The write to the absent debug-exit port is unclaimed and dropped; the guest's hlt ends the run.
        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Equal(DemoGuest.Greeting, System.Text.Encoding.ASCII.GetString(stdout));
        Assert.Contains("Unclaimed IoOut at 0x501", stderr);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
