using System.Buffers.Binary;

namespace Vmm.Sdk.Testing;

/// <summary>One exit as it left the exit pipeline of a <see cref="TestVm"/>: an entry of <see cref="TestVm.Exits"/>.</summary>
/// <param name="Kind">Why the vCPU exited.</param>
/// <param name="VcpuId">The vCPU that exited.</param>
/// <param name="Address">The port or guest-physical address; 0 for kinds without one.</param>
/// <param name="Size">Bytes per access.</param>
/// <param name="Count">How many accesses (more than 1 for string I/O).</param>
/// <param name="Data">The bytes written, or the bytes a read returned (after the device filled them).</param>
/// <param name="Handled">True if a device claimed the access.</param>
/// <param name="Outcome">What the pipeline told the vCPU to do next.</param>
/// <param name="Time">The <see cref="TestVm.Clock"/> time of the exit.</param>
public sealed record ExitRecord(
    ExitKind Kind,
    int VcpuId,
    ulong Address,
    int Size,
    int Count,
    byte[] Data,
    bool Handled,
    ExitOutcome Outcome,
    DateTimeOffset Time)
{
    /// <summary>The data as a little-endian number, for a single access of up to 8 bytes; otherwise 0.</summary>
    public ulong Value
    {
        get
        {
            if (Count != 1 || Data.Length == 0 || Data.Length > sizeof(ulong))
                return 0;
            Span<byte> value = stackalloc byte[sizeof(ulong)];
            value.Clear();
            Data.CopyTo(value);
            return BinaryPrimitives.ReadUInt64LittleEndian(value);
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var access = Describe(Kind, Address, Size, Count);
        var data = Data.Length == 0 ? "" : $": {Convert.ToHexStringLower(Data)}";
        // Only an access can be claimed or not; a halt or a shutdown is never "handled" by a device.
        var unhandled = !Handled && Kind is ExitKind.IoIn or ExitKind.IoOut or ExitKind.MmioRead or ExitKind.MmioWrite ? ", unhandled" : "";
        return access + data + unhandled;
    }

    /// <summary>Names an access the way messages do: <c>IoOut at port 0x3f8, 1 byte</c>.</summary>
    internal static string Describe(ExitKind kind, ulong address, int size, int count)
    {
        var bytes = size == 1 ? "1 byte" : $"{size} bytes";
        var amount = count > 1 ? $"{count} × {bytes}" : bytes;
        return kind switch
        {
            ExitKind.IoIn or ExitKind.IoOut => $"{kind} at port 0x{address:x}, {amount}",
            ExitKind.MmioRead or ExitKind.MmioWrite => $"{kind} at 0x{address:x}, {amount}",
            ExitKind.MsrRead or ExitKind.MsrWrite => $"{kind} of MSR 0x{address:x}",
            _ => kind.ToString(),
        };
    }
}
