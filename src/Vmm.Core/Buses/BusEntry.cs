using Vmm.Sdk;

namespace Vmm.Core.Buses;

/// <summary>One registered range: which device, which of its ranges, and where the range starts.</summary>
public sealed record BusEntry(DeviceSlot Slot, int RangeIndex, DeviceRange Range)
{
    public string Describe() => $"\"{Slot.Name}\" ({Slot.Type}, {Range})";

    /// <summary>Reads through the device at <paramref name="address"/>, which lies in <see cref="Range"/>.</summary>
    public bool Read(ulong address, int vcpuId, Span<byte> data)
    {
        var access = new BusAccess(address, address - Range.Base, RangeIndex, vcpuId);
        return Slot.TryRead(in access, data);
    }

    /// <summary>Writes through the device at <paramref name="address"/>, which lies in <see cref="Range"/>.</summary>
    public bool Write(ulong address, int vcpuId, ReadOnlySpan<byte> data)
    {
        var access = new BusAccess(address, address - Range.Base, RangeIndex, vcpuId);
        return Slot.TryWrite(in access, data);
    }
}
