using Vmm.Sdk;

namespace Vmm.Core.Buses;

/// <summary>One registered range: which device, which of its ranges, and where the range starts.</summary>
public sealed record BusEntry(DeviceSlot Slot, int RangeIndex, DeviceRange Range)
{
    public string Describe() => $"\"{Slot.Name}\" ({Slot.Type}, {Range})";
}
