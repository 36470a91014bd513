using Vmm.Devices.DebugExit;
using Vmm.Devices.Serial;
using Vmm.Sdk.Testing;

namespace Vmm.Devices.Serial.Tests;

/// <summary>
/// Short fuzz runs for every shipped device, as CI runs them. Run them long without changing the code:
/// <c>VMM_FUZZ_ITERATIONS=100000 dotnet test tests/Vmm.Devices.Serial.Tests --filter FuzzTests</c>.
/// </summary>
public sealed class FuzzTests
{
    [Fact]
    public void Uart16550_survives_generated_register_sequences()
    {
        var report = DeviceFuzzer.For(b => b.AddPlugin<SerialPlugin>().AddDevice("uart16550", "com1", new { Port = 0x3f8, Irq = 4 }))
            .WithOutput(line => TestContext.Current.TestOutputHelper?.WriteLine(line))
            .Run(iterations: 200);

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.Equal("port 0x3f8-0x3ff", report.Targets);
        Assert.True(report.DeviceAccesses > 0, report.ToString());
    }

    [Fact]
    public void Debug_exit_survives_generated_writes_of_every_width()
    {
        foreach (var width in new[] { 1, 2, 4 })
        {
            var report = DeviceFuzzer.For(b => b.AddPlugin<DebugExitPlugin>().AddDevice("debug-exit", new { Port = 0x501, Width = width }))
                .WithOutput(line => TestContext.Current.TestOutputHelper?.WriteLine(line))
                .Run(iterations: 100);

            Assert.True(report.DeviceAccesses > 0, report.ToString());
        }
    }
}
