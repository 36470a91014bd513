using Vmm.Sdk.Testing;

namespace Vmm.Devices.FwCfg.Tests;

/// <summary>The package README's example, verbatim, so that it keeps compiling and passing.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Reads_the_signature_through_the_data_port()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<FwCfgPlugin>()
            .AddDevice("fw-cfg", new { Files = new[] { new { Name = "opt/org.example/mode", String = "test" } } }));
        vm.Out16(0x510, 0x0000);                               // select the signature
        var signature = new[] { vm.In8(0x511), vm.In8(0x511), vm.In8(0x511), vm.In8(0x511) };   // "QEMU"

        Assert.Equal("QEMU"u8.ToArray(), signature);
    }
}
