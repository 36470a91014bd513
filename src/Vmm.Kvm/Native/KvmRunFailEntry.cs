using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary><c>kvm_run.fail_entry</c>, the exit data of KVM_EXIT_FAIL_ENTRY (VM entry refused by the hardware).</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct KvmRunFailEntry
{
    [FieldOffset(0)] public ulong HardwareEntryFailureReason;
    [FieldOffset(8)] public uint Cpu;
}
