using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary><c>kvm_run.system_event</c>, the exit data of KVM_EXIT_SYSTEM_EVENT.</summary>
[StructLayout(LayoutKind.Explicit, Size = 136)]
internal unsafe struct KvmRunSystemEvent
{
    // KVM_SYSTEM_EVENT_* (include/uapi/linux/kvm.h).
    public const uint TypeShutdown = 1;
    public const uint TypeReset = 2;
    public const uint TypeCrash = 3;

    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Ndata;

    /// <summary>Union with <c>__u64 flags</c> at the same offset; <c>data[0]</c> is the old flags word.</summary>
    [FieldOffset(8)] public fixed ulong Data[16];
}
