namespace Vmm.Emulation.Execution;

/// <summary>
/// A segment register with its hidden part (the descriptor cache): what a load from the GDT, or a real-mode
/// load, leaves behind. <see cref="Attributes"/> uses the VMX access-rights layout (Intel SDM Vol. 3C
/// 25.4.1): type in bits 0-3, S 4, DPL 5-6, P 7, AVL 12, L 13, D/B 14, G 15, unusable 16.
/// </summary>
internal struct SegmentRegister
{
    public const uint TypeMask = 0xF;
    public const uint System = 1u << 4;
    public const uint Present = 1u << 7;
    public const uint Long = 1u << 13;
    public const uint DefaultBig = 1u << 14;
    public const uint Granularity = 1u << 15;
    public const uint Unusable = 1u << 16;

    public ulong Base;
    public uint Limit;
    public ushort Selector;
    public uint Attributes;

    public readonly bool IsLong => (Attributes & Long) != 0;

    public readonly bool IsDefaultBig => (Attributes & DefaultBig) != 0;

    public readonly int Dpl => (int)(Attributes >> 5) & 3;

    /// <summary>A real-mode segment: base selector×16, 64 KiB limit, present read/write (or execute/read) data.</summary>
    public static SegmentRegister RealMode(ushort selector, uint type) => new()
    {
        Base = (ulong)selector << 4,
        Limit = 0xFFFF,
        Selector = selector,
        Attributes = type | System | Present,
    };

    public override readonly string ToString() =>
        $"sel={Selector:x4} base={Base:x16} limit={Limit:x8} type={Attributes & TypeMask:x} p={(Attributes >> 7) & 1} dpl={Dpl} "
        + $"db={(Attributes >> 14) & 1} s={(Attributes >> 4) & 1} l={(Attributes >> 13) & 1} g={(Attributes >> 15) & 1}"
        + ((Attributes & Unusable) != 0 ? " unusable" : "");
}
