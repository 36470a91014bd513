using Microsoft.Extensions.Logging.Abstractions;
using Vmm.Core.Buses;
using Vmm.Sdk;

namespace Vmm.Core.Tests.Fakes;

internal static class Slots
{
    public static DeviceSlot For(string name, IBusDevice device) =>
        new(name, "test-device", device, NullLogger.Instance, vcpuCount: 2);

    public static DeviceRange Ports(ulong first, ulong count) => new(AddressSpace.Port, first, count);

    public static DeviceRange Mmio(ulong first, ulong length) => new(AddressSpace.Mmio, first, length);
}
