using Vmm.Sdk.Testing;

namespace Vmm.Devices.Cmos.Tests;

/// <summary>The package README's example, verbatim, so that it keeps compiling and passing.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Reads_the_seconds_in_bcd()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<CmosPlugin>().AddDevice("mc146818", "rtc"));
        vm.Out8(0x70, 0x00);                 // seconds
        var seconds = vm.In8(0x71);          // BCD

        Assert.Equal(vm.Clock.GetUtcNow().Second, ((seconds >> 4) * 10) + (seconds & 0x0f));
    }
}
