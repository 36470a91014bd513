using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vmm.Devices.Serial;
using Vmm.Sdk;

namespace Vmm.Devices.Tests;

/// <summary>What the serial plugin offers the host: one device type whose resources follow its options.</summary>
public sealed class SerialPluginTests
{
    private static DeviceType RegisteredType()
    {
        var services = new ServiceCollection();
        new SerialPlugin().ConfigureServices(services);

        var descriptor = Assert.Single(services);
        Assert.Equal(typeof(DeviceType), descriptor.ServiceType);
        return Assert.IsType<DeviceType>(descriptor.ImplementationInstance);
    }

    [Fact]
    public void Registers_exactly_the_uart16550_device_type()
    {
        var type = RegisteredType();

        Assert.Equal("uart16550", type.Name);
        Assert.Equal(typeof(Uart16550), type.DeviceClass);
        Assert.Equal(typeof(Uart16550Options), type.OptionsClass);
        Assert.False(string.IsNullOrWhiteSpace(type.Description));
    }

    [Fact]
    public void Default_options_are_com1()
    {
        var type = RegisteredType();

        var resources = type.DescribeResources(type.CreateDefaultOptions());

        Assert.Equal([new DeviceRange(AddressSpace.Port, 0x3f8, 8)], resources.Ranges);
        Assert.Equal([4], resources.Interrupts);
    }

    [Theory]
    [InlineData(0x3f8, 4, 0x3ff)]   // COM1
    [InlineData(0x2f8, 3, 0x2ff)]   // COM2
    [InlineData(0x3e8, 4, 0x3ef)]   // COM3
    [InlineData(0x2e8, 3, 0x2ef)]   // COM4
    public void Resources_are_eight_ports_at_port_and_the_irq(ushort port, int irq, ulong last)
    {
        var resources = RegisteredType().DescribeResources(new Uart16550Options { Port = port, Irq = irq });

        var range = Assert.Single(resources.Ranges);
        Assert.Equal((AddressSpace.Port, (ulong)port, last), (range.Space, range.Base, range.Last));
        Assert.Equal([irq], resources.Interrupts);
    }

    [Fact]
    public void A_negative_irq_is_rejected_naming_the_option()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => RegisteredType().DescribeResources(new Uart16550Options { Irq = -1 }));

        Assert.Equal(nameof(Uart16550Options.Irq), error.ParamName);
    }

    [Fact]
    public void A_port_range_past_0xffff_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(
            () => RegisteredType().DescribeResources(new Uart16550Options { Port = 0xfffc }));

    [Fact]
    public void Options_bind_from_config_with_hex_ports()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["port"] = "0x2f8", ["irq"] = "3" })
            .Build();

        var options = config.Get<Uart16550Options>();

        Assert.NotNull(options);
        Assert.Equal((0x2f8, 3), (options.Port, options.Irq));
    }

    public static TheoryData<string> OptionNames() =>
        [.. typeof(Uart16550Options).GetProperties().Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(OptionNames))]
    public void Every_option_is_described_for_vmm_plugins(string name) =>
        Assert.False(string.IsNullOrWhiteSpace(
            typeof(Uart16550Options).GetProperty(name)!.GetCustomAttribute<DescriptionAttribute>()?.Description));
}
