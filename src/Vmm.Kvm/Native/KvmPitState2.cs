using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary>
/// <c>struct kvm_pit_state2</c> (arch/x86/include/uapi/asm/kvm.h), for KVM_GET_PIT2 and KVM_SET_PIT2: three
/// 24-byte <c>kvm_pit_channel_state</c>s, then flags and reserved words, kept as opaque bytes.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 112)]
internal unsafe struct KvmPitState2
{
    [FieldOffset(0)] public fixed byte Channels[72];
    [FieldOffset(72)] public uint Flags;
}
