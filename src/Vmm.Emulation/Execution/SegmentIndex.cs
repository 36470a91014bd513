namespace Vmm.Emulation.Execution;

/// <summary>Segment registers in x86 encoding order (the <c>reg</c> field of <c>mov Sreg</c>).</summary>
internal static class SegmentIndex
{
    public const byte Es = 0, Cs = 1, Ss = 2, Ds = 3, Fs = 4, Gs = 5;

    public const int Count = 6;

    public static string Name(int index) => index switch
    {
        Es => "es",
        Cs => "cs",
        Ss => "ss",
        Ds => "ds",
        Fs => "fs",
        _ => "gs",
    };
}
