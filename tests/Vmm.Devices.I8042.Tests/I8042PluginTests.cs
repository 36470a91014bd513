using Vmm.Core;
using Vmm.Sdk.Testing;

namespace Vmm.Devices.I8042.Tests;

/// <summary>The device type the plugin offers: the PC's ports and lines by default, clear errors for bad options.</summary>
public sealed class I8042PluginTests
{
    [Fact]
    public void Defaults_are_the_pc_ports_and_irqs_1_and_12()
    {
        using var vm = Kbc.Create();

        var ranges = vm.Ranges("i8042");

        Assert.Equal([(0x60ul, 1ul), (0x64ul, 1ul)], ranges.Select(r => (r.Base, r.Length)));
        vm.Out8(Kbc.Command, 0xd2);
        vm.Out8(Kbc.Data, 0x00);
        vm.Out8(Kbc.Command, 0xd3);
        Assert.True(vm.Irq(1).IsRaised);
    }

    [Fact]
    public void Ports_and_lines_come_from_the_options()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<I8042Plugin>().AddDevice("i8042", new { DataPort = "0x160", CommandPort = "0x164", KeyboardIrq = 5, AuxIrq = 6 }));

        vm.Out8(0x164, 0xd3);
        vm.Out8(0x160, 0x42);

        Assert.True(vm.Irq(6).IsRaised);
        Assert.Equal(0x20, vm.In8(0x164) & 0x20);
        Assert.Equal(0x42, vm.In8(0x160));
    }

    [Fact]
    public void One_port_for_both_is_an_error_naming_the_options()
    {
        var error = Assert.ThrowsAny<VmmException>(() =>
            TestVm.Create(b => b.AddPlugin<I8042Plugin>().AddDevice("i8042", new { DataPort = 0x60, CommandPort = 0x60 })));

        Assert.Contains("DataPort and CommandPort must differ", error.Message);
    }

    [Fact]
    public void A_negative_irq_is_an_error_naming_the_option()
    {
        var error = Assert.ThrowsAny<VmmException>(() =>
            TestVm.Create(b => b.AddPlugin<I8042Plugin>().AddDevice("i8042", new { AuxIrq = -1 })));

        Assert.Contains("AuxIrq must be an interrupt line", error.Message);
    }
}
