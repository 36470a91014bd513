using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary>
/// <c>struct kvm_irq_routing_entry</c> (include/uapi/linux/kvm.h) of type KVM_IRQ_ROUTING_IRQCHIP: GSI
/// <see cref="Gsi"/> drives pin <see cref="Pin"/> of in-kernel chip <see cref="Irqchip"/>. The union after
/// the header is 32 bytes (its <c>pad[8]</c>); only the irqchip member is used here.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 48)]
internal struct KvmIrqRoutingEntry
{
    /// <summary>KVM_IRQ_ROUTING_IRQCHIP.</summary>
    public const uint TypeIrqchip = 1;

    // KVM_IRQCHIP_* (arch/x86/include/uapi/asm/kvm.h).
    public const uint PicMaster = 0;
    public const uint PicSlave = 1;
    public const uint Ioapic = 2;

    [FieldOffset(0)] public uint Gsi;
    [FieldOffset(4)] public uint Type;
    [FieldOffset(8)] public uint Flags;
    [FieldOffset(16)] public uint Irqchip;
    [FieldOffset(20)] public uint Pin;

    public static KvmIrqRoutingEntry ToChip(uint gsi, uint chip, uint pin) =>
        new() { Gsi = gsi, Type = TypeIrqchip, Irqchip = chip, Pin = pin };
}
