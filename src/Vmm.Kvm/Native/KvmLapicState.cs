using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary><c>struct kvm_lapic_state</c> (arch/x86/include/uapi/asm/kvm.h): the local APIC's register page (KVM_GET/SET_LAPIC).</summary>
[StructLayout(LayoutKind.Explicit, Size = 1024)]
internal unsafe struct KvmLapicState
{
    [FieldOffset(0)] public fixed byte Regs[1024];
}
