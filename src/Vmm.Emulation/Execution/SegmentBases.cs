using System.Runtime.CompilerServices;

namespace Vmm.Emulation.Execution;

/// <summary>
/// The base each segment contributes to a linear address, indexed by <see cref="SegmentIndex"/>: the
/// descriptor base, or 0 for ES, CS, SS and DS in 64-bit mode (Intel SDM Vol. 3A 3.2.4).
/// </summary>
[InlineArray(SegmentIndex.Count)]
internal struct SegmentBases
{
    private ulong _element0;
}
