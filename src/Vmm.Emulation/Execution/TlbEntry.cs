namespace Vmm.Emulation.Execution;

/// <summary>
/// One cached translation of a 4 KiB linear page. The tags hold the linear page number when the matching
/// fast path may use <see cref="Host"/> directly, <see cref="Invalid"/> otherwise: a read tag needs RAM, a
/// write tag also a writable, dirty page with no decoded code on it (so self-modifying stores take the slow
/// path that notices them).
/// </summary>
internal struct TlbEntry
{
    public const ulong Invalid = ulong.MaxValue;

    /// <summary>Linear page number for the RAM read fast path.</summary>
    public ulong ReadTag;

    /// <summary>Linear page number for the RAM write fast path.</summary>
    public ulong WriteTag;

    /// <summary>Linear page number this entry translates at all (RAM or not), for the slow path.</summary>
    public ulong Tag;

    /// <summary>The guest-physical page number.</summary>
    public ulong PhysicalPage;

    /// <summary>The host address of the page when it is RAM, else 0.</summary>
    public nint Host;

    /// <summary>Writes are allowed and the dirty bit is already set.</summary>
    public bool Writable;

    /// <summary>Instruction fetches are allowed (no NX bit on the walk).</summary>
    public bool Executable;

    public void Clear()
    {
        ReadTag = Invalid;
        WriteTag = Invalid;
        Tag = Invalid;
        Host = 0;
    }
}
