using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary>
/// <c>struct kvm_run</c> (include/uapi/linux/kvm.h), the page shared with the kernel by mmap of a vCPU
/// descriptor. The exit data is a union at offset 32: read only the member of the
/// <see cref="ExitReason"/> at hand (each member has its own layout test).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 2352)]
internal struct KvmRun
{
    /// <summary>The offset of the exit-data union in the header.</summary>
    public const int ExitDataOffset = 32;

    // in
    [FieldOffset(0)] public byte RequestInterruptWindow;

    /// <summary>
    /// Polled when KVM_RUN starts: non-zero makes it return EINTR at once, after completing a pending
    /// I/O or MMIO exit (Documentation/virt/kvm/api.rst, "immediate_exit").
    /// </summary>
    [FieldOffset(1)] public byte ImmediateExit;

    // out
    [FieldOffset(8)] public uint ExitReason;
    [FieldOffset(12)] public byte ReadyForInterruptInjection;
    [FieldOffset(13)] public byte IfFlag;
    [FieldOffset(14)] public ushort Flags;

    // in (pre_kvm_run), out (post_kvm_run)
    [FieldOffset(16)] public ulong Cr8;
    [FieldOffset(24)] public ulong ApicBase;

    // The exit-data union; only the members this backend reads.
    [FieldOffset(ExitDataOffset)] public KvmRunHardwareExit Hardware;
    [FieldOffset(ExitDataOffset)] public KvmRunFailEntry FailEntry;
    [FieldOffset(ExitDataOffset)] public KvmRunIo Io;
    [FieldOffset(ExitDataOffset)] public KvmRunMmio Mmio;
    [FieldOffset(ExitDataOffset)] public KvmRunInternalError Internal;
    [FieldOffset(ExitDataOffset)] public KvmRunSystemEvent SystemEvent;

    // After the union's fixed 256 bytes: the sync-regs area (unused here).
    [FieldOffset(288)] public ulong KvmValidRegs;
    [FieldOffset(296)] public ulong KvmDirtyRegs;
}
