using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary><c>struct kvm_dtable</c> (arch/x86/include/uapi/asm/kvm.h): GDTR or IDTR.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct KvmDtable
{
    [FieldOffset(0)] public ulong Base;
    [FieldOffset(8)] public ushort Limit;

    public override readonly string ToString() => $"base={Base:x16} limit={Limit:x4}";
}
