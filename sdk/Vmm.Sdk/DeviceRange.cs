namespace Vmm.Sdk;

/// <summary>A range of ports or guest-physical addresses a device instance claims.</summary>
/// <param name="Space">The bus.</param>
/// <param name="Base">The first port or address.</param>
/// <param name="Length">How many ports or bytes; at least 1.</param>
public readonly record struct DeviceRange(AddressSpace Space, ulong Base, ulong Length)
{
    /// <summary>The last port or address in the range.</summary>
    public ulong Last => Base + Length - 1;

    /// <inheritdoc />
    public override string ToString() => Space == AddressSpace.Port
        ? $"port 0x{Base:x}-0x{Last:x}"
        : $"mmio 0x{Base:x}-0x{Last:x}";
}
