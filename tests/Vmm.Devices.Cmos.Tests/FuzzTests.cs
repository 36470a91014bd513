using Vmm.Sdk.Testing;

namespace Vmm.Devices.Cmos.Tests;

/// <summary>A short fuzz run, as CI runs it; <c>VMM_FUZZ_ITERATIONS=100000</c> runs it long.</summary>
public sealed class FuzzTests
{
    [Fact]
    public void Mc146818_survives_generated_register_sequences()
    {
        var report = DeviceFuzzer.For(b => b.AddPlugin<CmosPlugin>().AddDevice("mc146818", "rtc"))
            .WithOutput(line => TestContext.Current.TestOutputHelper?.WriteLine(line))
            .Run(iterations: 200);

        Assert.Equal("port 0x70-0x71", report.Targets);
        Assert.True(report.DeviceAccesses > 0, report.ToString());
    }
}
