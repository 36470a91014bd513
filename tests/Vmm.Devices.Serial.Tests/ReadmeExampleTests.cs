using Vmm.Devices.Serial;
using Vmm.Sdk;
using Vmm.Sdk.Testing;

namespace Vmm.Devices.Serial.Tests;

/// <summary>The README's "Testing a device" example, verbatim, so that it keeps compiling and passing.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Transmits_to_the_console_and_receives_from_it()
    {
        using var vm = TestVm.Create(b => b
            .AddPlugin<SerialPlugin>()                                   // or .AddPluginsFrom("path/to/plugins")
            .AddDevice("uart16550", "com1", new { Port = 0x3f8, Irq = 4 }) // options as in vm.json; "0x3f8" works too
            .WithUnhandledAccess(UnhandledAccessPolicy.Fail));            // an access nobody claims fails the test

        vm.Out8(0x3fb, 0x80);                        // LCR: DLAB on
        vm.Out8(0x3f8, 0x01);                        // divisor 1: 115200 baud
        Assert.Equal(0x01, vm.In8(0x3f8));
        vm.Out8(0x3fb, 0x03);                        // DLAB off, 8N1
        vm.Out8(0x3f8, (byte)'A');
        Assert.Equal("A", vm.Console("com1").ReadOutputText());
        Assert.Equal(0x60, vm.In8(0x3fd) & 0x60);    // LSR: THRE | TEMT

        vm.Console("com1").Input.Write("z"u8);
        Assert.Equal(0x01, vm.In8(0x3fd) & 0x01);    // LSR.DR
        Assert.Equal((byte)'z', vm.In8(0x3f8));
        Assert.Equal(ExitKind.IoOut, vm.Exits[0].Kind); // every exit is traced: kind, address, size, count, data, handled
    }
}
