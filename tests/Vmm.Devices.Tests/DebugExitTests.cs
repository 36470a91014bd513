using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vmm.Devices.DebugExit;
using Vmm.Devices.Tests.Fakes;
using Vmm.Sdk;

namespace Vmm.Devices.Tests;

// Inside Vmm.Devices.Tests the bare name DebugExit would find the namespace Vmm.Devices.DebugExit first.

/// <summary>The debug-exit port alone: a guest write becomes QEMU's exit code (v &lt;&lt; 1) | 1.</summary>
public sealed class DebugExitTests
{
    private const ulong Port = 0x501;

    private readonly RecordingVmControl _vm = new();

    private DebugExitPort CreateDevice(int width = 1, ILogger<DebugExitPort>? logger = null) =>
        new(Options.Create(new DebugExitOptions { Port = (ushort)Port, Width = width }), _vm,
            new DeviceIdentity("exit", DebugExitPlugin.DeviceTypeName), logger ?? NullLogger<DebugExitPort>.Instance);

    private static void Out(DebugExitPort device, ReadOnlySpan<byte> data, ulong offset = 0) =>
        device.Write(new BusAccess(Port + offset, offset, 0, 0), data);

    [Fact]
    public void Writing_0x10_stops_the_vm_with_exit_code_0x21()
    {
        var device = CreateDevice();

        Out(device, [0x10]);

        Assert.Equal([0x21], _vm.ExitCodes);
    }

    [Theory]
    [InlineData(1, new byte[] { 0x00 }, 0x01)]
    [InlineData(1, new byte[] { 0x34, 0x12 }, 0x69)]                       // outw to a 1-byte port: low byte only
    [InlineData(2, new byte[] { 0x34, 0x12 }, 0x2469)]
    [InlineData(2, new byte[] { 0x34 }, 0x69)]                             // outb to a 2-byte port
    [InlineData(2, new byte[] { 0x34, 0x12, 0xff, 0xff }, 0x2469)]         // outl to a 2-byte port: 2 bytes
    [InlineData(4, new byte[] { 0x78, 0x56, 0x34, 0x12 }, 0x2468acf1)]
    [InlineData(4, new byte[] { 0xff, 0xff, 0xff, 0x7f }, unchecked((int)0xffffffff))] // shifted out, as in QEMU
    public void The_exit_code_is_built_from_width_little_endian_bytes(int width, byte[] written, int exitCode)
    {
        var device = CreateDevice(width);

        Out(device, written);

        Assert.Equal([exitCode], _vm.ExitCodes);
    }

    [Fact]
    public void Any_offset_in_the_range_stops_the_vm_as_in_qemu()
    {
        var device = CreateDevice(width: 2);

        Out(device, [0x10], offset: 1);

        Assert.Equal([0x21], _vm.ExitCodes);
    }

    [Fact]
    public void An_empty_write_does_not_stop_the_vm()
    {
        var device = CreateDevice();

        Out(device, ReadOnlySpan<byte>.Empty);

        Assert.Empty(_vm.ExitCodes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Reads_return_zero_and_do_not_stop_the_vm(int size)
    {
        var device = CreateDevice(width: 4);
        byte[] data = new byte[size];

        device.Read(new BusAccess(Port, 0, 0, 0), data);

        Assert.All(data, b => Assert.Equal(0, b));
        Assert.Empty(_vm.ExitCodes);
    }

    [Fact]
    public void The_stop_request_is_logged_at_information_with_the_instance_and_code()
    {
        var logger = new RecordingLogger<DebugExitPort>();
        var device = CreateDevice(logger: logger);

        Out(device, [0x10]);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains("exit", entry.Message);
        Assert.Contains("33", entry.Message);   // 0x21
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void The_device_rejects_a_bad_width_too(int width) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CreateDevice(width));
}
