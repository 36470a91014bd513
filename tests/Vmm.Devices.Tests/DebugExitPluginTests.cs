using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vmm.Devices.DebugExit;
using Vmm.Sdk;

namespace Vmm.Devices.Tests;

// Inside Vmm.Devices.Tests the bare name DebugExit would find the namespace Vmm.Devices.DebugExit first.

/// <summary>What the debug-exit plugin offers the host: one device type whose ports follow its options.</summary>
public sealed class DebugExitPluginTests
{
    private static DeviceType RegisteredType()
    {
        var services = new ServiceCollection();
        new DebugExitPlugin().ConfigureServices(services);

        var descriptor = Assert.Single(services);
        Assert.Equal(typeof(DeviceType), descriptor.ServiceType);
        return Assert.IsType<DeviceType>(descriptor.ImplementationInstance);
    }

    [Fact]
    public void Registers_exactly_the_debug_exit_device_type()
    {
        var type = RegisteredType();

        Assert.Equal("debug-exit", type.Name);
        Assert.Equal(typeof(DebugExitPort), type.DeviceClass);
        Assert.Equal(typeof(DebugExitOptions), type.OptionsClass);
        Assert.False(string.IsNullOrWhiteSpace(type.Description));
    }

    [Fact]
    public void Default_options_claim_port_0x501_and_no_interrupt()
    {
        var type = RegisteredType();

        var resources = type.DescribeResources(type.CreateDefaultOptions());

        Assert.Equal([new DeviceRange(AddressSpace.Port, 0x501, 1)], resources.Ranges);
        Assert.Empty(resources.Interrupts);
    }

    [Theory]
    [InlineData(0x501, 1, 0x501)]
    [InlineData(0x501, 2, 0x502)]
    [InlineData(0xf4, 4, 0xf7)]     // the other common choice, iobase=0xf4,iosize=4
    public void Resources_are_width_ports_at_port(ushort port, int width, ulong last)
    {
        var resources = RegisteredType().DescribeResources(new DebugExitOptions { Port = port, Width = width });

        var range = Assert.Single(resources.Ranges);
        Assert.Equal((AddressSpace.Port, (ulong)port, last), (range.Space, range.Base, range.Last));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(-1)]
    public void A_width_other_than_1_2_or_4_is_rejected_naming_the_option(int width)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => RegisteredType().DescribeResources(new DebugExitOptions { Width = width }));

        Assert.Equal(nameof(DebugExitOptions.Width), error.ParamName);
        Assert.Contains("1, 2 or 4", error.Message);
    }

    [Fact]
    public void Options_bind_from_config_with_hex_ports()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["port"] = "0xf4", ["width"] = "4" })
            .Build();

        var options = config.Get<DebugExitOptions>();

        Assert.NotNull(options);
        Assert.Equal((0xf4, 4), (options.Port, options.Width));
    }

    public static TheoryData<string> OptionNames() =>
        [.. typeof(DebugExitOptions).GetProperties().Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(OptionNames))]
    public void Every_option_is_described_for_vmm_plugins(string name) =>
        Assert.False(string.IsNullOrWhiteSpace(
            typeof(DebugExitOptions).GetProperty(name)!.GetCustomAttribute<DescriptionAttribute>()?.Description));
}
