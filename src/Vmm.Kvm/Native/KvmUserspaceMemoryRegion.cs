using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary><c>struct kvm_userspace_memory_region</c> (include/uapi/linux/kvm.h), the KVM_SET_USER_MEMORY_REGION argument.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct KvmUserspaceMemoryRegion
{
    [FieldOffset(0)] public uint Slot;
    [FieldOffset(4)] public uint Flags;
    [FieldOffset(8)] public ulong GuestPhysAddr;
    [FieldOffset(16)] public ulong MemorySize;
    [FieldOffset(24)] public ulong UserspaceAddr;
}
