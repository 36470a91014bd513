using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary><c>struct kvm_cpuid_entry2</c> (arch/x86/include/uapi/asm/kvm.h): one CPUID leaf/subleaf answer.</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal unsafe struct KvmCpuidEntry2
{
    /// <summary>KVM_CPUID_FLAG_SIGNIFCANT_INDEX (sic, the header's spelling): <see cref="Index"/> selects a subleaf.</summary>
    public const uint FlagSignificantIndex = 1;

    [FieldOffset(0)] public uint Function;
    [FieldOffset(4)] public uint Index;
    [FieldOffset(8)] public uint Flags;
    [FieldOffset(12)] public uint Eax;
    [FieldOffset(16)] public uint Ebx;
    [FieldOffset(20)] public uint Ecx;
    [FieldOffset(24)] public uint Edx;
    [FieldOffset(28)] public fixed uint Padding[3];
}
