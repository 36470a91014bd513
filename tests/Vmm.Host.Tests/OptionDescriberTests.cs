using Vmm.Core.Plugins;
using Vmm.Host.Commands;
using Vmm.Host.Tests.Support;
using Vmm.Sdk;

namespace Vmm.Host.Tests;

public sealed class OptionDescriberTests
{
    private readonly OptionDescriber _describer = new();

    private static DeviceType TypeFrom(string folder, string name) =>
        Assert.Single(new PluginLoader().Load(folder).DeviceTypes, type => type.Name == name);

    [Fact]
    public void Describes_the_uart16550_options_as_vm_json_writes_them()
    {
        var type = TypeFrom(TestPluginFolders.DefaultPlugin("Vmm.Devices.Serial"), "uart16550");

        Assert.Equal(
        [
            "port: ushort = 0x3f8 — First of the 8 I/O ports the UART decodes (COM1 0x3f8, COM2 0x2f8).",
            "irq: int = 4 — Interrupt line (GSI) of the UART (COM1 4, COM2 3).",
        ], _describer.DescribeOptions(type));
        Assert.Equal("port 0x3f8-0x3ff, irq 4", OptionDescriber.DescribeResources(type));
    }

    [Fact]
    public void Describes_the_debug_exit_options_as_vm_json_writes_them()
    {
        var type = TypeFrom(TestPluginFolders.DefaultPlugin("Vmm.Devices.DebugExit"), "debug-exit");

        Assert.Equal(
        [
            "port: ushort = 0x501 — I/O port the guest writes its exit value to (QEMU isa-debug-exit iobase).",
            "width: int = 1 — Ports claimed and bytes of a write that form the value: 1, 2 or 4 (QEMU isa-debug-exit iosize).",
        ], _describer.DescribeOptions(type));
        Assert.Equal("port 0x501", OptionDescriber.DescribeResources(type));
    }

    [Fact]
    public void Describes_nullable_enum_collection_options_and_takes_descriptions_from_the_xml_documentation_when_there_is_no_attribute()
    {
        var type = TypeFrom(TestPluginFolders.Of("DocumentedOptionsPlugin"), "documented-port");

        Assert.Equal(
        [
            "port: ushort = 0x600 — The first port of the device, described only here in XML documentation (see DocumentedOptions and QueueMode.Fifo).",
            "irq: int? = (none) — Interrupt line; none for a polled device.",
            "mode: enum (Fifo|None) = Fifo — How queued writes drain.",
            "fallback: enum (Fifo|None)? = (none)",
            "enabled: bool = true — Whether the device answers at all; false makes it unclaimed.",
            "width: byte = 2",
            "mask: uint = 0xff00",
            "base: ulong = 0xfed00000",
            "label: string = \"documented\"",
            "tag: string? = (none)",
            "aliases: ushort[] = [0x680, 0x681]",
            "names: List<string> = []",
            "timeout: TimeSpan = 00:00:00.2500000",
        ], _describer.DescribeOptions(type));
        Assert.Equal("port 0x600-0x601, mmio 0xfed00000-0xfed00fff", OptionDescriber.DescribeResources(type));
    }

    [Fact]
    public void An_option_of_a_type_without_a_documentation_file_has_no_description()
    {
        var type = Assert.Single(LoadedPlugin.FromType<ProbeDevicePlugin>().DeviceTypes, type => type.Name == "probe-port");

        Assert.Equal(["port: ushort = 0x100", "address: ulong = 0xd0000000"], _describer.DescribeOptions(type));
    }

    [Theory]
    [InlineData("Vmm.Devices.Serial")]
    [InlineData("Vmm.Devices.DebugExit")]
    [InlineData("Vmm.Devices.Cmos")]
    [InlineData("Vmm.Devices.FwCfg")]
    public void The_default_plugins_are_published_with_their_xml_documentation(string plugin)
    {
        Assert.True(File.Exists(Path.Combine(TestPluginFolders.DefaultPlugin(plugin), plugin + ".xml")));
    }
}
