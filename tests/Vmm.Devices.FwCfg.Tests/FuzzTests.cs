using Vmm.Sdk.Testing;

namespace Vmm.Devices.FwCfg.Tests;

/// <summary>A short fuzz run, as CI runs it; <c>VMM_FUZZ_ITERATIONS=100000</c> runs it long.</summary>
public sealed class FuzzTests
{
    [Fact]
    public void Fw_cfg_survives_generated_port_sequences_and_dma_descriptors()
    {
        var report = DeviceFuzzer.For(b => b.AddPlugin<FwCfgPlugin>().AddPlugin<GreetingPlugin>()
                .AddDevice("fw-cfg", new { Files = new[] { new { Name = "opt/fuzz", String = "fuzz" } } }))
            .WithOutput(line => TestContext.Current.TestOutputHelper?.WriteLine(line))
            .Run(iterations: 200);

        Assert.Equal("port 0x510-0x511, port 0x514-0x51b", report.Targets);
        Assert.True(report.DeviceAccesses > 0, report.ToString());
    }
}
