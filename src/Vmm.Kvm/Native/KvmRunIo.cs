using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary>
/// <c>kvm_run.io</c>, the exit data of KVM_EXIT_IO: <see cref="Count"/> accesses of <see cref="Size"/>
/// bytes, whose bytes lie at <see cref="DataOffset"/> from the start of the kvm_run mapping.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct KvmRunIo
{
    /// <summary>KVM_EXIT_IO_IN: the guest reads; userspace fills the data before the next KVM_RUN.</summary>
    public const byte DirectionIn = 0;

    /// <summary>KVM_EXIT_IO_OUT: the guest wrote the data.</summary>
    public const byte DirectionOut = 1;

    [FieldOffset(0)] public byte Direction;
    [FieldOffset(1)] public byte Size;
    [FieldOffset(2)] public ushort Port;
    [FieldOffset(4)] public uint Count;
    [FieldOffset(8)] public ulong DataOffset;
}
