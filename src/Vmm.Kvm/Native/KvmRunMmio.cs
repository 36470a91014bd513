using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary><c>kvm_run.mmio</c>, the exit data of KVM_EXIT_MMIO: <see cref="Length"/> bytes of <see cref="Data"/> at <see cref="PhysAddr"/>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
internal unsafe struct KvmRunMmio
{
    [FieldOffset(0)] public ulong PhysAddr;
    [FieldOffset(8)] public fixed byte Data[8];
    [FieldOffset(16)] public uint Length;
    [FieldOffset(20)] public byte IsWrite;
}
