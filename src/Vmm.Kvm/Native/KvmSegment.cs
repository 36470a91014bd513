using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary>
/// <c>struct kvm_segment</c> (arch/x86/include/uapi/asm/kvm.h): a segment register's hidden part.
/// <see cref="Limit"/> is in bytes even when <see cref="G"/> is set (KVM expands it, unlike a descriptor).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
internal struct KvmSegment
{
    [FieldOffset(0)] public ulong Base;
    [FieldOffset(8)] public uint Limit;
    [FieldOffset(12)] public ushort Selector;
    [FieldOffset(14)] public byte Type;
    [FieldOffset(15)] public byte Present;
    [FieldOffset(16)] public byte Dpl;
    [FieldOffset(17)] public byte Db;
    [FieldOffset(18)] public byte S;
    [FieldOffset(19)] public byte L;
    [FieldOffset(20)] public byte G;
    [FieldOffset(21)] public byte Avl;
    [FieldOffset(22)] public byte Unusable;
    [FieldOffset(23)] public byte Padding;

    public override readonly string ToString() =>
        $"sel={Selector:x4} base={Base:x16} limit={Limit:x8} type={Type:x} p={Present} dpl={Dpl} db={Db} s={S} l={L} g={G}{(Unusable != 0 ? " unusable" : "")}";
}
