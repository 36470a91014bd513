using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary><c>struct kvm_fpu</c> (arch/x86/include/uapi/asm/kvm.h), for KVM_GET/SET_FPU: x87 and SSE state, kept as opaque bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 416)]
internal unsafe struct KvmFpu
{
    [FieldOffset(0)] public fixed byte Bytes[416];
}
