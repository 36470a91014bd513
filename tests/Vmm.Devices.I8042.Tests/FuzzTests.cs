using Vmm.Sdk.Testing;

namespace Vmm.Devices.I8042.Tests;

/// <summary>
/// A short fuzz run, as CI runs it; run it long without changing the code:
/// <c>VMM_FUZZ_ITERATIONS=100000 dotnet test tests/Vmm.Devices.I8042.Tests --filter FuzzTests</c>.
/// </summary>
public sealed class FuzzTests
{
    [Fact]
    public void I8042_survives_generated_command_and_data_sequences()
    {
        var report = DeviceFuzzer.For(b => b.AddPlugin<I8042Plugin>().AddDevice("i8042"))
            .WithOutput(line => TestContext.Current.TestOutputHelper?.WriteLine(line))
            .Run(iterations: 200);

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.Equal("port 0x60-0x60, port 0x64-0x64", report.Targets);
        Assert.True(report.DeviceAccesses > 0, report.ToString());
    }
}
