using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary>
/// <c>struct kvm_vcpu_events</c> (arch/x86/include/uapi/asm/kvm.h), for KVM_GET/SET_VCPU_EVENTS: pending and
/// injected exceptions, interrupts, NMIs and the SIPI vector, kept as opaque bytes.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal unsafe struct KvmVcpuEvents
{
    [FieldOffset(0)] public fixed byte Bytes[64];
}
