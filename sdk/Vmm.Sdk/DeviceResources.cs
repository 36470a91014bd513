namespace Vmm.Sdk;

/// <summary>
/// The ranges and interrupt lines one device instance needs, worked out from its options when the VM
/// is built. Range indices (<see cref="BusAccess.Range"/>) follow the order of the <c>Add</c> calls.
/// </summary>
public sealed class DeviceResources
{
    private readonly List<DeviceRange> _ranges = [];
    private readonly List<int> _interrupts = [];

    /// <summary>The ranges, in declaration order.</summary>
    public IReadOnlyList<DeviceRange> Ranges => _ranges;

    /// <summary>
    /// The GSIs, in declaration order; the first is the one injected as <see cref="IInterruptLine"/>, and all of them,
    /// in this order, as <c>IReadOnlyList&lt;IInterruptLine&gt;</c> (a device with two lines, as an i8042's IRQ 1 and 12).
    /// </summary>
    public IReadOnlyList<int> Interrupts => _interrupts;

    /// <summary>Claims <paramref name="count"/> ports from <paramref name="port"/>.</summary>
    public DeviceResources AddPorts(ulong port, ulong count)
    {
        ArgumentOutOfRangeException.ThrowIfZero(count);
        if (port > 0xFFFF || port + count - 1 > 0xFFFF)
            throw new ArgumentOutOfRangeException(nameof(port), $"ports 0x{port:x}+{count} run past 0xffff");
        _ranges.Add(new DeviceRange(AddressSpace.Port, port, count));
        return this;
    }

    /// <summary>Claims <paramref name="length"/> bytes of MMIO space from <paramref name="address"/>.</summary>
    public DeviceResources AddMmio(ulong address, ulong length)
    {
        ArgumentOutOfRangeException.ThrowIfZero(length);
        if (address + (length - 1) < address)
            throw new ArgumentOutOfRangeException(nameof(address), $"mmio 0x{address:x}+{length} wraps the address space");
        _ranges.Add(new DeviceRange(AddressSpace.Mmio, address, length));
        return this;
    }

    /// <summary>Claims the interrupt line <paramref name="gsi"/>.</summary>
    public DeviceResources AddInterrupt(int gsi)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gsi);
        _interrupts.Add(gsi);
        return this;
    }
}
