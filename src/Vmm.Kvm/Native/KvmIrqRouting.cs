using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary>
/// <c>struct kvm_irq_routing</c> (include/uapi/linux/kvm.h), the header of KVM_SET_GSI_ROUTING's argument:
/// <see cref="Nr"/> <see cref="KvmIrqRoutingEntry"/> values follow it directly.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 8)]
internal struct KvmIrqRouting
{
    [FieldOffset(0)] public uint Nr;
    [FieldOffset(4)] public uint Flags;
}
