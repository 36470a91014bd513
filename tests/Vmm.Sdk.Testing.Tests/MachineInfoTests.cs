using Vmm.Sdk.Testing.Tests.Devices;

namespace Vmm.Sdk.Testing.Tests;

public sealed class MachineInfoTests
{
    [Fact]
    public void A_device_is_told_the_vcpu_count_and_the_ram_it_has()
    {
        using var vm = TestVm.Create(b => b.WithMemory(24UL << 20).AddPlugin<KitTestPlugin>().AddDevice("machine-info", new { Port = 0x300 }));

        Assert.Equal(1, vm.In8(0x300));
        Assert.Equal(24, vm.In8(0x301));
        Assert.Equal(0, vm.In8(0x302));
    }

    [Fact]
    public void Ram_above_three_gib_is_counted_above_four_gib()
    {
        var machine = new MachineInfo(2, [new RamRange(0, 3UL << 30), new RamRange(4UL << 30, 1UL << 30)]);

        Assert.Equal(4UL << 30, machine.RamSize);
        Assert.Equal(3UL << 30, machine.RamBelow4G);
        Assert.Equal(1UL << 30, machine.RamAbove4G);
    }
}
