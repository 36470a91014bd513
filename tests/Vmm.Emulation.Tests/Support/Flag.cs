namespace Vmm.Emulation.Tests.Support;

/// <summary>RFLAGS bits, for expected values in test tables.</summary>
internal static class Flag
{
    public const ulong CF = 1 << 0;
    public const ulong Reserved = 1 << 1;
    public const ulong PF = 1 << 2;
    public const ulong AF = 1 << 4;
    public const ulong ZF = 1 << 6;
    public const ulong SF = 1 << 7;
    public const ulong IF = 1 << 9;
    public const ulong DF = 1 << 10;
    public const ulong OF = 1 << 11;

    /// <summary>The six status flags.</summary>
    public const ulong Status = CF | PF | AF | ZF | SF | OF;

    public static string Describe(ulong value)
    {
        var names = new List<string>();
        foreach (var (bit, name) in new[] { (CF, "CF"), (PF, "PF"), (AF, "AF"), (ZF, "ZF"), (SF, "SF"), (DF, "DF"), (OF, "OF") })
        {
            if ((value & bit) != 0)
                names.Add(name);
        }

        return names.Count == 0 ? "-" : string.Join(' ', names);
    }
}
