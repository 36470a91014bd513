using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary>
/// <c>struct kvm_irqchip</c> (include/uapi/linux/kvm.h), for KVM_GET_IRQCHIP and KVM_SET_IRQCHIP: one chip's
/// state, kept as opaque bytes (the union of <c>kvm_pic_state</c> and <c>kvm_ioapic_state</c>, 512 bytes).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 520)]
internal unsafe struct KvmIrqchip
{
    /// <summary>KVM_IRQCHIP_PIC_MASTER, KVM_IRQCHIP_PIC_SLAVE or KVM_IRQCHIP_IOAPIC.</summary>
    [FieldOffset(0)] public uint ChipId;
    [FieldOffset(8)] public fixed byte Chip[512];
}
