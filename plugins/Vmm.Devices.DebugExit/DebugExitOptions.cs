using System.ComponentModel;

namespace Vmm.Devices.DebugExit;

/// <summary>
/// Options of one <c>debug-exit</c> instance, bound from its entry in the VM config. They are QEMU
/// isa-debug-exit's <c>iobase</c> and <c>iosize</c>, so a guest's test harness works unchanged.
/// </summary>
/// <remarks>
/// QEMU's own <c>iosize</c> defaults to 2 (hw/misc/debugexit.c); 1 claims only the port that guests'
/// <c>outb</c> targets, and a wider <c>out</c> to it still reaches the device with its full size.
/// </remarks>
public sealed class DebugExitOptions
{
    /// <summary>The port a guest writes its exit value to.</summary>
    [Description("I/O port the guest writes its exit value to (QEMU isa-debug-exit iobase).")]
    public ushort Port { get; set; } = 0x501;

    /// <summary>How many ports the device claims, and how many bytes of a write make the value: 1, 2 or 4.</summary>
    [Description("Ports claimed and bytes of a write that form the value: 1, 2 or 4 (QEMU isa-debug-exit iosize).")]
    public int Width { get; set; } = 1;
}
