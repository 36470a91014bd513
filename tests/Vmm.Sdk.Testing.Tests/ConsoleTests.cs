namespace Vmm.Sdk.Testing.Tests;

/// <summary>A device's console in a test VM: direct pipes, so what a scripted access did is visible when it returns.</summary>
public sealed class ConsoleTests
{
    private static TestVm CreateUart() => TestVm.Create(b => b
        .AddPluginsFrom(Path.Combine(AppContext.BaseDirectory, "plugins", "Vmm.Devices.Serial"))
        .AddDevice("uart16550", "com1", new { Port = 0x3f8 }));

    [Fact]
    public void Output_is_readable_as_soon_as_the_access_returns_and_accumulates()
    {
        using var vm = CreateUart();

        vm.Out8(0x3f8, 0x00);
        Assert.Equal([0x00], vm.Console("com1").ReadOutput());
        vm.Out8(0x3f8, 0xff);

        Assert.Equal([0x00, 0xff], vm.Console("com1").ReadOutput());
        vm.Console("com1").ClearOutput();
        Assert.Empty(vm.Console("com1").ReadOutput());
    }

    [Fact]
    public void Input_written_by_the_test_is_readable_by_the_device_at_once()
    {
        using var vm = CreateUart();

        vm.Console("com1").Input.Write("A"u8);

        Assert.Equal(0x01, vm.In8(0x3fd) & 0x01);
        Assert.Equal((byte)'A', vm.In8(0x3f8));
        Assert.Equal(0x00, vm.In8(0x3fd) & 0x01);
    }

    [Fact]
    public void Output_is_still_readable_after_the_vm_is_disposed()
    {
        var vm = CreateUart();
        vm.Out8(0x3f8, (byte)'z');
        var console = vm.Console("com1");

        vm.Dispose();

        Assert.Equal("z", console.ReadOutputText());
    }

    [Fact]
    public void A_console_for_a_device_that_is_not_there_names_the_ones_that_are()
    {
        using var vm = CreateUart();

        var error = Assert.Throws<ArgumentException>(() => vm.Console("com2"));

        Assert.Contains("\"com1\" (uart16550)", error.Message);
    }
}
