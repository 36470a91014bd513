using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary><c>struct kvm_mp_state</c> (include/uapi/linux/kvm.h), for KVM_GET_MP_STATE and KVM_SET_MP_STATE.</summary>
[StructLayout(LayoutKind.Explicit, Size = 4)]
internal struct KvmMpState
{
    // KVM_MP_STATE_* (include/uapi/linux/kvm.h).
    public const uint Runnable = 0;

    /// <summary>An AP that has not received INIT yet: KVM_RUN blocks until INIT and SIPI arrive through the in-kernel APIC.</summary>
    public const uint Uninitialized = 1;
    public const uint InitReceived = 2;
    public const uint Halted = 3;

    [FieldOffset(0)] public uint MpState;
}
