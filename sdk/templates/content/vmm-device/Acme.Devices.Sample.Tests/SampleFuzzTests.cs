using Vmm.Sdk.Testing;

namespace Acme.Devices.Sample.Tests;

/// <summary>
/// Random access sequences aimed at the device's registers, each on a fresh VM: an exception, a hang or a write outside
/// guest RAM fails the test with the shrunk sequence printed as a scripted test to paste. Run it long without changing
/// the code: <c>VMM_FUZZ_SECONDS=60 dotnet test --filter SampleFuzzTests</c>.
/// </summary>
public sealed class SampleFuzzTests
{
    [Fact]
    public void The_device_survives_generated_access_sequences()
    {
        var report = DeviceFuzzer.For(b => b.AddPlugin<SamplePlugin>().AddDevice(SamplePlugin.DeviceTypeName))
            .WithOutput(line => TestContext.Current.TestOutputHelper?.WriteLine(line))
            .Run(iterations: 200);

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.True(report.DeviceAccesses > 0, report.ToString());
    }
}
