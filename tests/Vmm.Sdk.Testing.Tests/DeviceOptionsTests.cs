using Microsoft.Extensions.Configuration;
using Vmm.Core;
using Vmm.Sdk.Testing.Tests.Devices;

namespace Vmm.Sdk.Testing.Tests;

/// <summary>Options given to AddDevice bind as a VM config's section would.</summary>
public sealed class DeviceOptionsTests
{
    private static ProbeOptions Bind(object? options)
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().AddDevice("probe", "p", options));
        return vm.Device<ProbeDevice>("p").Options;
    }

    [Fact]
    public void An_anonymous_object_binds_numbers_and_strings() =>
        Assert.Equivalent(new ProbeOptions { Port = 0x2f8, Irq = 3, Label = "left" }, Bind(new { Port = 0x2f8, Irq = 3, Label = "left" }));

    [Fact]
    public void Hex_strings_bind_as_in_a_vm_config() =>
        Assert.Equivalent(new ProbeOptions { Port = 0x3f8, Mmio = 0xfee0_0000 }, Bind(new { Port = "0x3f8", Mmio = "0xfee00000" }));

    [Fact]
    public void A_dictionary_binds_as_well() =>
        Assert.Equivalent(new ProbeOptions { Port = 0x60, Irq = 1 }, Bind(new Dictionary<string, object?> { ["port"] = 0x60, ["irq"] = "1" }));

    [Fact]
    public void A_configuration_is_used_as_it_is()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection([new("Port", "0x70")]).Build();

        Assert.Equal(0x70, Bind(section).Port);
    }

    [Fact]
    public void No_options_leaves_the_defaults() => Assert.Equivalent(new ProbeOptions(), Bind(null));

    [Fact]
    public void An_unknown_option_is_the_production_error_naming_the_instance()
    {
        var error = Assert.Throws<ConfigurationException>(() => Bind(new { Prot = 0x3f8 }));

        Assert.StartsWith("TestVm \"p\" (probe):", error.Message);
        Assert.Contains("Prot", error.Message);
    }

    [Fact]
    public void Nested_objects_and_lists_become_sections()
    {
        var configuration = DeviceOptions.ToConfiguration(new { Name = "x", Inner = new { Size = 4 }, Items = new[] { 1, 2 } });

        Assert.Equal("x", configuration["Name"]);
        Assert.Equal("4", configuration["Inner:Size"]);
        Assert.Equal("2", configuration["Items:1"]);
    }
}
