using Vmm.Kvm.Native;

namespace Vmm.Kvm.Tests;

/// <summary>The routing table is QEMU's pc machine's: ISA IRQs to both PICs and the IOAPIC, IRQ 0 on IOAPIC pin 2, nothing on the cascade.</summary>
public sealed class PcGsiRoutingTests
{
    private static readonly KvmIrqRoutingEntry[] s_table = PcGsiRouting.Build();

    private static (uint Chip, uint Pin)[] RoutesOf(uint gsi) =>
        s_table.Where(e => e.Gsi == gsi).Select(e => (e.Irqchip, e.Pin)).Order().ToArray();

    [Theory]
    [InlineData(0u, KvmIrqRoutingEntry.PicMaster, 0u, 2u)]
    [InlineData(1u, KvmIrqRoutingEntry.PicMaster, 1u, 1u)]
    [InlineData(4u, KvmIrqRoutingEntry.PicMaster, 4u, 4u)]
    [InlineData(7u, KvmIrqRoutingEntry.PicMaster, 7u, 7u)]
    [InlineData(8u, KvmIrqRoutingEntry.PicSlave, 0u, 8u)]
    [InlineData(12u, KvmIrqRoutingEntry.PicSlave, 4u, 12u)]
    [InlineData(15u, KvmIrqRoutingEntry.PicSlave, 7u, 15u)]
    public void An_isa_irq_reaches_its_pic_pin_and_an_ioapic_pin(uint gsi, uint pic, uint picPin, uint ioapicPin) =>
        Assert.Equal([(pic, picPin), (KvmIrqRoutingEntry.Ioapic, ioapicPin)], RoutesOf(gsi));

    [Theory]
    [InlineData(16u)]
    [InlineData(23u)]
    public void A_gsi_above_15_reaches_the_ioapic_only(uint gsi) =>
        Assert.Equal([(KvmIrqRoutingEntry.Ioapic, gsi)], RoutesOf(gsi));

    [Fact]
    public void Nothing_drives_the_cascade_pin_or_gsi_2()
    {
        Assert.Empty(RoutesOf(2));
        Assert.DoesNotContain(s_table, e => e.Irqchip == KvmIrqRoutingEntry.PicMaster && e.Pin == 2);
        Assert.Single(s_table, e => e.Irqchip == KvmIrqRoutingEntry.Ioapic && e.Pin == 2);
    }

    [Fact]
    public void Every_entry_is_an_irqchip_route_and_no_gsi_is_past_the_ioapic()
    {
        Assert.All(s_table, e => Assert.Equal(KvmIrqRoutingEntry.TypeIrqchip, e.Type));
        Assert.All(s_table, e => Assert.InRange(e.Gsi, 0u, 23u));
        Assert.Equal(38, s_table.Length);
    }
}
