using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary><c>struct kvm_irq_level</c> (include/uapi/linux/kvm.h), the argument of KVM_IRQ_LINE.</summary>
[StructLayout(LayoutKind.Explicit, Size = 8)]
internal struct KvmIrqLevel
{
    /// <summary>The GSI (a union with the <c>status</c> KVM_IRQ_LINE_STATUS returns).</summary>
    [FieldOffset(0)] public uint Irq;

    /// <summary>1 asserts, 0 deasserts.</summary>
    [FieldOffset(4)] public uint Level;
}
