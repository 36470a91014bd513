namespace Vmm.Sdk.Testing;

/// <summary>
/// A port or MMIO access no device claimed while the <see cref="TestVm"/>'s policy is
/// <see cref="UnhandledAccessPolicy.Fail"/>. The message names the access: kind, port or address, size.
/// </summary>
public sealed class UnhandledAccessException : Exception
{
    /// <summary>Creates the exception for one access.</summary>
    /// <param name="kind">The kind of access.</param>
    /// <param name="address">The port or guest-physical address.</param>
    /// <param name="size">Bytes per access.</param>
    /// <param name="count">How many accesses.</param>
    /// <param name="faultedOwner">The device that owns the address but is faulted, if one does.</param>
    public UnhandledAccessException(ExitKind kind, ulong address, int size, int count, string? faultedOwner = null)
        : base($"unhandled {ExitRecord.Describe(kind, address, size, count)}: "
               + (faultedOwner is null ? "no device claims it" : $"its device {faultedOwner} is faulted")
               + " (UnhandledAccessPolicy.Fail)")
    {
        Kind = kind;
        Address = address;
        Size = size;
        Count = count;
    }

    /// <summary>The kind of access (<see cref="ExitKind.IoIn"/>, <see cref="ExitKind.MmioWrite"/>, ...).</summary>
    public ExitKind Kind { get; }

    /// <summary>The port or guest-physical address.</summary>
    public ulong Address { get; }

    /// <summary>Bytes per access.</summary>
    public int Size { get; }

    /// <summary>How many accesses (more than 1 for string I/O).</summary>
    public int Count { get; }
}
