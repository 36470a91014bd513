using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary>
/// The header of <c>struct kvm_cpuid2</c> (arch/x86/include/uapi/asm/kvm.h); <c>nent</c>
/// <see cref="KvmCpuidEntry2"/> entries follow it directly (a flexible array at offset 8).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 8)]
internal struct KvmCpuid2
{
    [FieldOffset(0)] public uint Nent;
    [FieldOffset(4)] public uint Padding;
}
