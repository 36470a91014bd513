using Microsoft.Extensions.Configuration;
using Vmm.Core.Devices;
using Vmm.Core.Machine;
using Vmm.Core.Plugins;
using Vmm.Core.Tests.Fakes;
using Vmm.Sdk;

namespace Vmm.Core.Tests.Machine;

public sealed class VmBuilderTests
{
    private readonly FakeHypervisor _hypervisor = new();

    private VmBuilder Builder(params LoadedPlugin[] plugins) =>
        new(_hypervisor, new PluginCatalog(plugins.Length > 0 ? plugins : [LoadedPlugin.FromType<WidgetPlugin>()])) { MemorySize = 1 << 20 };

    private static IConfiguration Options(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static Widget WidgetOf(Vm vm, string name) => (Widget)vm.Devices.Single(d => d.Name == name).Device;

    [Fact]
    public async Task A_device_gets_its_bound_options_and_the_framework_services()
    {
        var clock = TimeProvider.System;
        var builder = Builder();
        builder.TimeProvider = clock;
        builder.AddDevice(new DeviceInstanceSpec("widget", "w1", Options(("port", "0x2f8"), ("irq", "3"), ("label", "left"))));
        await using var vm = builder.Build();

        var widget = WidgetOf(vm, "w1");
        Assert.Equal(0x2f8, widget.Options.Port);
        Assert.Equal("left", widget.Options.Label);
        Assert.Equal(3, widget.Irq.Gsi);
        Assert.Same(vm.Memory, widget.Memory);
        Assert.Same(vm, widget.Control);
        Assert.Equal(new DeviceIdentity("w1", "widget"), widget.Identity);
        Assert.Same(clock, widget.Clock);
        Assert.Equal("hello", widget.Greeting.Text);
    }

    [Fact]
    public async Task The_built_pipeline_routes_a_port_exit_to_the_device_at_its_bound_port()
    {
        var builder = Builder();
        builder.AddDevice(new DeviceInstanceSpec("widget", "w1", Options(("port", "0x2f8"))));
        await using var vm = builder.Build();

        var data = new byte[] { 0x5A };
        var exit = new ExitContext(ExitKind.IoOut, 0, 0x2f9, 1, 1, data);
        vm.Pipeline(ref exit);
        var read = new byte[1];
        var input = new ExitContext(ExitKind.IoIn, 0, 0x2fb, 1, 1, read);
        vm.Pipeline(ref input);

        Assert.Equal([0x5A], WidgetOf(vm, "w1").Written);
        Assert.Equal([3], read);
        Assert.Equal(2, vm.Metrics.Total);
    }

    [Fact]
    public async Task Plugin_middleware_is_composed_into_the_pipeline()
    {
        var builder = Builder();
        await using var vm = builder.Build();
        var before = CountingMiddleware.Exits;

        var exit = new ExitContext(ExitKind.IoOut, 0, 0x80, 1, 1, new byte[1]);
        vm.Pipeline(ref exit);

        Assert.Equal(before + 1, CountingMiddleware.Exits);
    }

    [Fact]
    public async Task Two_plugins_registering_the_same_service_each_keep_their_own()
    {
        var builder = Builder(LoadedPlugin.FromType<WidgetPlugin>(), LoadedPlugin.FromType<FrenchWidgetPlugin>());
        builder.AddDevice(new DeviceInstanceSpec("widget", "en", Options(("port", "0x100"))));
        builder.AddDevice(new DeviceInstanceSpec("widget-fr", "fr", Options(("port", "0x200"))));
        await using var vm = builder.Build();

        Assert.Equal("hello", WidgetOf(vm, "en").Greeting.Text);
        Assert.Equal("bonjour", WidgetOf(vm, "fr").Greeting.Text);
    }

    [Fact]
    public void An_unknown_option_is_an_error_naming_the_instance_and_the_valid_options()
    {
        var builder = Builder();
        builder.AddDevice(new DeviceInstanceSpec("widget", "w1", Options(("prot", "0x2f8"))) { Source = "vm.json: devices[0]" });

        var error = Assert.Throws<ConfigurationException>(builder.Build);

        Assert.StartsWith("vm.json: devices[0] \"w1\" (widget):", error.Message);
        Assert.Contains("prot", error.Message);
        Assert.Contains("Port, Irq, Label", error.Message);
        Assert.True(_hypervisor.LastMachine!.Disposed);
    }

    [Fact]
    public void An_unparsable_option_value_is_an_error()
    {
        var builder = Builder();
        builder.AddDevice(new DeviceInstanceSpec("widget", "w1", Options(("port", "0x10000"))));

        var error = Assert.Throws<ConfigurationException>(builder.Build);

        Assert.Contains("0x10000", error.Message);
    }

    [Fact]
    public void A_plugin_validator_failure_is_reported_with_the_instance()
    {
        var builder = Builder();
        builder.AddDevice(new DeviceInstanceSpec("widget", "w1", Options(("label", "forbidden"))));

        var error = Assert.Throws<ConfigurationException>(builder.Build);

        Assert.Contains("\"w1\" (widget)", error.Message);
        Assert.Contains("Label must not be \"forbidden\"", error.Message);
    }

    [Fact]
    public void Two_instances_with_one_name_are_an_error()
    {
        var builder = Builder();
        builder.AddDevice(new DeviceInstanceSpec("widget", "w", Options(("port", "0x100"))));
        builder.AddDevice(new DeviceInstanceSpec("widget", "w", Options(("port", "0x200"))));

        var error = Assert.Throws<ConfigurationException>(builder.Build);

        Assert.Contains("a device named \"w\" already exists", error.Message);
    }

    [Fact]
    public void Two_instances_on_one_port_are_an_error_naming_both()
    {
        var builder = Builder();
        builder.AddDevice(new DeviceInstanceSpec("widget", "first", Options(("port", "0x100"))));
        builder.AddDevice(new DeviceInstanceSpec("widget", "second", Options(("port", "0x102"))));

        var error = Assert.Throws<ConfigurationException>(builder.Build);

        Assert.Contains("\"second\"", error.Message);
        Assert.Contains("\"first\"", error.Message);
    }

    [Fact]
    public void An_unknown_device_type_lists_the_known_ones()
    {
        var builder = Builder();
        builder.AddDevice(new DeviceInstanceSpec("gadget", "g", Options()));

        var error = Assert.Throws<ConfigurationException>(builder.Build);

        Assert.Contains("unknown device type \"gadget\"; known types: widget", error.Message);
    }

    [Fact]
    public void A_device_constructor_that_throws_is_an_error_naming_the_instance_and_the_cause()
    {
        var builder = Builder(LoadedPlugin.FromType<BrokenPlugin>());
        builder.AddDevice(new DeviceInstanceSpec("broken", "b", Options()));

        var error = Assert.Throws<ConfigurationException>(builder.Build);

        Assert.Contains("\"b\" (broken)", error.Message);
        Assert.Contains("no hardware found", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void Vcpu_count_outside_the_hypervisor_limit_is_an_error(int vcpus)
    {
        var builder = Builder();
        builder.VcpuCount = vcpus;

        var error = Assert.Throws<ConfigurationException>(builder.Build);

        Assert.Contains("fake allows 1 to 8", error.Message);
    }

    [Fact]
    public void Memory_that_is_not_whole_pages_is_an_error()
    {
        var builder = Builder();
        builder.MemorySize = 4097;

        Assert.Throws<ConfigurationException>(builder.Build);
    }

    [Fact]
    public async Task A_device_stop_request_gives_the_exit_code_and_stops_the_vm()
    {
        var builder = Builder();
        builder.AddDevice(new DeviceInstanceSpec("widget", "w1", Options()));
        await using var vm = builder.Build();

        WidgetOf(vm, "w1").Control.RequestStop(33);
        var exit = new ExitContext(ExitKind.IoOut, 0, 0x80, 1, 1, new byte[1]);
        vm.Pipeline(ref exit);
        var status = vm.Run();

        Assert.Equal(ExitOutcome.StopVm, exit.Outcome);
        Assert.Equal(new VmExitStatus(VmStopKind.DeviceRequested, 33), status);
    }

    [Fact]
    public async Task Two_devices_on_one_irq_each_drive_their_own_handle_of_the_shared_line()
    {
        var builder = Builder();
        builder.AddDevice(new DeviceInstanceSpec("widget", "com1", Options(("port", "0x3f8"), ("irq", "4"))));
        builder.AddDevice(new DeviceInstanceSpec("widget", "other", Options(("port", "0x200"), ("irq", "4"))));
        await using var vm = builder.Build();
        var com1 = WidgetOf(vm, "com1").Irq;
        var other = WidgetOf(vm, "other").Irq;
        var gsi = _hypervisor.LastMachine!.Lines[4];

        com1.Raise();
        other.Raise();
        com1.Lower();
        var raisedWhileOtherHolds = gsi.IsRaised;
        other.Lower();

        Assert.NotSame(com1, other);
        Assert.True(raisedWhileOtherHolds);
        Assert.False(gsi.IsRaised);
    }

    [Fact]
    public void An_irq_the_machine_does_not_have_is_an_error_naming_the_instance()
    {
        var builder = Builder();
        builder.AddDevice(new DeviceInstanceSpec("widget", "w1", Options(("irq", "40"))));

        var error = Assert.Throws<ConfigurationException>(builder.Build);

        Assert.Equal("device \"w1\" (widget): irq 40: interrupt 40 does not exist: the IOAPIC has pins 0-23", error.Message);
    }
}
