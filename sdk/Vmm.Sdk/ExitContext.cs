namespace Vmm.Sdk;

/// <summary>
/// One VM exit as it flows through the exit pipeline. It lives on the vCPU thread's stack and is
/// passed by reference, so an exit costs no allocation.
/// </summary>
/// <remarks>
/// For I/O and MMIO, <see cref="Data"/> is <see cref="Size"/> × <see cref="Count"/> bytes: a write's
/// bytes, or the buffer a read fills (zeroed before the pipeline sees it). On KVM it points into the
/// mapped <c>kvm_run</c> page, so what a handler writes there is what the guest gets.
/// </remarks>
public ref struct ExitContext
{
    /// <summary>Creates an exit of <paramref name="kind"/> on vCPU <paramref name="vcpuId"/>.</summary>
    public ExitContext(ExitKind kind, int vcpuId, ulong address, int size, int count, Span<byte> data)
    {
        Kind = kind;
        VcpuId = vcpuId;
        Address = address;
        Size = size;
        Count = count;
        Data = data;
    }

    /// <summary>Why the vCPU exited.</summary>
    public readonly ExitKind Kind;

    /// <summary>The index of the vCPU that exited.</summary>
    public readonly int VcpuId;

    /// <summary>The port (I/O), guest-physical address (MMIO) or MSR index; 0 for other kinds.</summary>
    public readonly ulong Address;

    /// <summary>Bytes per access: 1, 2 or 4 for I/O; 1 to 8 for MMIO; 0 for other kinds.</summary>
    public readonly int Size;

    /// <summary>How many accesses of <see cref="Size"/> bytes: more than 1 for string I/O (<c>rep outsb</c>).</summary>
    public readonly int Count;

    /// <summary>The bytes written by the guest, or the buffer to fill for a read.</summary>
    public readonly Span<byte> Data;

    /// <summary>The guest's instruction pointer at the exit, when the backend knows it (tracing only).</summary>
    public ulong InstructionPointer;

    /// <summary>What the vCPU does next; handlers set it to stop the vCPU or the VM.</summary>
    public ExitOutcome Outcome;

    /// <summary>Set by the router when a device claimed the access; left false for unclaimed accesses.</summary>
    public bool Handled;
}
