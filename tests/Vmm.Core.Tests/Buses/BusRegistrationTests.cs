using Vmm.Core.Buses;
using Vmm.Core.Tests.Fakes;

namespace Vmm.Core.Tests.Buses;

public class BusRegistrationTests
{
    [Fact]
    public void Overlapping_port_ranges_are_an_error_naming_both_devices()
    {
        var bus = new IoBus();
        bus.Register(Slots.For("com1", new IdDevice(1)), 0, Slots.Ports(0x3f8, 8));

        var error = Assert.Throws<ConfigurationException>(() =>
            bus.Register(Slots.For("com2", new IdDevice(2)), 0, Slots.Ports(0x3fc, 8)));

        Assert.Contains("\"com2\"", error.Message);
        Assert.Contains("\"com1\"", error.Message);
        Assert.Contains("0x3f8-0x3ff", error.Message);
    }

    [Fact]
    public void A_failed_registration_leaves_the_bus_unchanged()
    {
        var bus = new IoBus();
        bus.Register(Slots.For("com1", new IdDevice(1)), 0, Slots.Ports(0x3f8, 8));

        Assert.Throws<ConfigurationException>(() => bus.Register(Slots.For("wide", new IdDevice(2)), 0, Slots.Ports(0x3f0, 0x10)));

        Assert.Null(bus.Find(0x3f0));
        Assert.Equal("com1", bus.Find(0x3f8)!.Slot.Name);
    }

    [Fact]
    public void Adjacent_port_ranges_do_not_overlap()
    {
        var bus = new IoBus();
        bus.Register(Slots.For("a", new IdDevice(1)), 0, Slots.Ports(0x60, 4));
        bus.Register(Slots.For("b", new IdDevice(2)), 0, Slots.Ports(0x64, 4));

        Assert.Equal("a", bus.Find(0x63)!.Slot.Name);
        Assert.Equal("b", bus.Find(0x64)!.Slot.Name);
        Assert.Null(bus.Find(0x68));
    }

    [Fact]
    public void Port_range_past_0xffff_is_rejected()
    {
        var bus = new IoBus();

        Assert.Throws<ConfigurationException>(() => bus.Register(Slots.For("x", new IdDevice(1)), 0, Slots.Ports(0xfffe, 4)));
    }

    [Fact]
    public void Mmio_lookup_finds_each_of_many_sorted_ranges()
    {
        var bus = new MmioBus();
        // Registered out of order: the bus keeps them sorted.
        for (var i = 9; i >= 0; i--)
            bus.Register(Slots.For($"dev{i}", new IdDevice((byte)i)), 0, Slots.Mmio(0x1000_0000UL + (ulong)i * 0x2000, 0x1000));

        for (var i = 0; i < 10; i++)
        {
            var start = 0x1000_0000UL + (ulong)i * 0x2000;
            Assert.Equal($"dev{i}", bus.Find(start)!.Slot.Name);
            Assert.Equal($"dev{i}", bus.Find(start + 0xfff)!.Slot.Name);
            Assert.Null(bus.Find(start + 0x1000));
        }
        Assert.Null(bus.Find(0x0fff_ffff));
    }

    [Fact]
    public void Overlapping_mmio_ranges_are_an_error_naming_both_devices()
    {
        var bus = new MmioBus();
        bus.Register(Slots.For("virtio0", new IdDevice(1)), 0, Slots.Mmio(0xd000_0000, 0x200));

        var error = Assert.Throws<ConfigurationException>(() =>
            bus.Register(Slots.For("virtio1", new IdDevice(2)), 0, Slots.Mmio(0xd000_01ff, 0x200)));

        Assert.Contains("\"virtio1\"", error.Message);
        Assert.Contains("\"virtio0\"", error.Message);
    }

    [Fact]
    public void Mmio_range_at_the_top_of_the_address_space_works()
    {
        var bus = new MmioBus();
        bus.Register(Slots.For("top", new IdDevice(1)), 0, Slots.Mmio(ulong.MaxValue - 0xfff, 0x1000));

        Assert.Equal("top", bus.Find(ulong.MaxValue)!.Slot.Name);
    }
}
