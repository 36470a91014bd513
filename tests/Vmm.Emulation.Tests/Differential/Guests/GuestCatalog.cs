using Vmm.Emulation.Tests.Differential.Harness;

namespace Vmm.Emulation.Tests.Differential.Guests;

/// <summary>Every differential guest, by name.</summary>
internal static class GuestCatalog
{
    private static readonly Lazy<Dictionary<string, GuestProgram>> s_byName = new(() =>
        new IEnumerable<GuestProgram>[]
        {
            ModeGuests.All, PortIoGuests.All, MmioGuests.All, ArithmeticGuests.All, ConditionGuests.All,
            StackGuests.All, StringGuests.All, ExchangeGuests.All, CodeAndPagingGuests.All, SegmentGuests.All, InterruptGuests.All,
        }.SelectMany(g => g).ToDictionary(g => g.Name));

    public static IEnumerable<string> Names => s_byName.Value.Keys;

    public static GuestProgram Get(string name) => s_byName.Value[name];
}
