using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vmm.Sdk;

namespace Vmm.Devices.DebugExit;

/// <summary>
/// QEMU's isa-debug-exit: a guest write of value <c>v</c> stops the VM, and the host exits with
/// <c>(v &lt;&lt; 1) | 1</c>, so a guest can report a test result. Reads return zero.
/// </summary>
/// <remarks>
/// The shift and the low bit are QEMU's (hw/misc/debugexit.c, <c>debug_exit_write</c> calls
/// <c>exit((val &lt;&lt; 1) | 1)</c>): an exit code from the guest is then always odd, so a guest can
/// never make the host report plain success (0). The value is little-endian and, as in QEMU, the
/// offset written to does not matter.
/// </remarks>
public sealed partial class DebugExitPort : IBusDevice
{
    private readonly IVmControl _vm;
    private readonly DeviceIdentity _identity;
    private readonly ILogger<DebugExitPort> _logger;
    private readonly int _width;

    /// <summary>Creates the device for the instance <paramref name="identity"/>.</summary>
    /// <param name="options">The instance's options; <see cref="DebugExitOptions.Width"/> must be 1, 2 or 4.</param>
    /// <param name="vm">Stopped when the guest writes.</param>
    /// <param name="identity">The instance, for logs.</param>
    /// <param name="logger">Where the stop request is reported.</param>
    public DebugExitPort(IOptions<DebugExitOptions> options, IVmControl vm, DeviceIdentity identity, ILogger<DebugExitPort> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(logger);
        ThrowIfInvalidWidth(options.Value.Width);
        _width = options.Value.Width;
        _vm = vm;
        _identity = identity;
        _logger = logger;
    }

    /// <inheritdoc />
    public void Read(in BusAccess access, Span<byte> data)
    {
        // Nothing to read: the bus hands the buffer over zeroed, which is the answer.
    }

    /// <inheritdoc />
    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return;

        // At most Width bytes of what was written make the value, the rest is ignored.
        Span<byte> littleEndian = stackalloc byte[sizeof(uint)];
        data[..Math.Min(data.Length, _width)].CopyTo(littleEndian);
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(littleEndian);

        // QEMU passes this to exit(), which keeps the low 8 bits on POSIX; the code is handed on whole.
        int exitCode = unchecked((int)((value << 1) | 1));
        LogStopRequested(_logger, _identity.Name, value, exitCode);
        _vm.RequestStop(exitCode);
    }

    /// <summary>Throws unless <paramref name="width"/> is 1, 2 or 4, the sizes of an x86 <c>out</c>.</summary>
    internal static void ThrowIfInvalidWidth(int width)
    {
        if (width is not (1 or 2 or 4))
            throw new ArgumentOutOfRangeException(nameof(DebugExitOptions.Width),
                $"{nameof(DebugExitOptions.Width)} must be 1, 2 or 4 (bytes, as QEMU's iosize), not {width}.");
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Device}: guest wrote 0x{Value:x} to debug-exit; stopping the VM with exit code {ExitCode}")]
    private static partial void LogStopRequested(ILogger logger, string device, uint value, int exitCode);
}
