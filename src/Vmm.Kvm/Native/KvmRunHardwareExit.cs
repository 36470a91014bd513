using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary><c>kvm_run.hw</c>, the exit data of KVM_EXIT_UNKNOWN.</summary>
[StructLayout(LayoutKind.Explicit, Size = 8)]
internal struct KvmRunHardwareExit
{
    [FieldOffset(0)] public ulong HardwareExitReason;
}
