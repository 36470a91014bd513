using System.Runtime.CompilerServices;

namespace Vmm.Emulation.Execution;

/// <summary>The six segment registers, indexed by <see cref="SegmentIndex"/>.</summary>
[InlineArray(SegmentIndex.Count)]
internal struct SegmentFile
{
    private SegmentRegister _element0;
}
