using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary><c>struct kvm_pit_config</c> (include/uapi/linux/kvm.h), the argument of KVM_CREATE_PIT2.</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct KvmPitConfig
{
    /// <summary>
    /// KVM_PIT_SPEAKER_DUMMY: KVM also answers port 0x61 (the speaker and channel 2 gate), with a dummy speaker,
    /// as QEMU and kvmtool ask for (api.rst, KVM_CREATE_PIT2).
    /// </summary>
    public const uint SpeakerDummy = 1;

    [FieldOffset(0)] public uint Flags;
}
