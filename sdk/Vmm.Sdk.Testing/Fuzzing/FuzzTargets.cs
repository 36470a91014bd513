using Vmm.Core.Memory;

namespace Vmm.Sdk.Testing.Fuzzing;

/// <summary>What a fuzz run aims at, read once from a probe VM: the target devices' ranges as the buses hold them, RAM, consoles.</summary>
internal sealed record FuzzTargets(
    IReadOnlyList<DeviceRange> Ports,
    IReadOnlyList<DeviceRange> Mmio,
    IReadOnlyList<(ulong Start, ulong End)> Ram,
    IReadOnlyList<string> Devices)
{
    public static FuzzTargets From(TestVm vm, IReadOnlyCollection<string> deviceNames)
    {
        var names = deviceNames.Count > 0 ? deviceNames : vm.Slots.Select(slot => slot.Name).ToArray();
        var ranges = names.SelectMany(vm.Ranges).ToArray();
        return new FuzzTargets(
            [.. ranges.Where(range => range.Space == AddressSpace.Port)],
            [.. ranges.Where(range => range.Space == AddressSpace.Mmio)],
            [.. vm.Vm.Memory.Regions.Select(static (GuestMemoryRegion region) => (region.GuestAddress, region.End))],
            [.. names.Select(name => vm.Slot(name).Name)]);
    }

    public string Describe() =>
        string.Join(", ", Ports.Concat(Mmio).Select(range => range.ToString()).DefaultIfEmpty("no ranges"));
}
