using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary><c>kvm_run.internal</c>, the exit data of KVM_EXIT_INTERNAL_ERROR.</summary>
[StructLayout(LayoutKind.Explicit, Size = 136)]
internal unsafe struct KvmRunInternalError
{
    /// <summary>The most data words the header has room for.</summary>
    public const int MaxData = 16;

    [FieldOffset(0)] public uint Suberror;

    /// <summary>How many of <see cref="Data"/> are valid (KVM_CAP_INTERNAL_ERROR_DATA).</summary>
    [FieldOffset(4)] public uint Ndata;
    [FieldOffset(8)] public fixed ulong Data[MaxData];

    /// <summary>KVM_INTERNAL_ERROR_* names for messages.</summary>
    public static string DescribeSuberror(uint suberror) => suberror switch
    {
        1 => "KVM_INTERNAL_ERROR_EMULATION (1): instruction emulation failed",
        2 => "KVM_INTERNAL_ERROR_SIMUL_EX (2): exception while delivering an exception",
        3 => "KVM_INTERNAL_ERROR_DELIVERY_EV (3): VM exit while delivering an event",
        4 => "KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON (4): unexpected hardware exit reason",
        _ => $"suberror {suberror}",
    };
}
