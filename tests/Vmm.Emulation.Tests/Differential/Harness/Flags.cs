namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>RFLAGS bits (Intel SDM Vol. 1 3.4.3) and their names for diff messages.</summary>
internal static class Flags
{
    public const ulong CF = 1 << 0;
    public const ulong PF = 1 << 2;
    public const ulong AF = 1 << 4;
    public const ulong ZF = 1 << 6;
    public const ulong SF = 1 << 7;
    public const ulong DF = 1 << 10;
    public const ulong OF = 1 << 11;

    private static readonly (ulong Bit, string Name)[] s_names =
        [(CF, "CF"), (PF, "PF"), (AF, "AF"), (ZF, "ZF"), (SF, "SF"), (DF, "DF"), (OF, "OF")];

    /// <summary>"CF ZF" for the named bits set in <paramref name="value"/>; "-" if none.</summary>
    public static string Describe(ulong value)
    {
        var names = s_names.Where(f => (value & f.Bit) != 0).Select(f => f.Name).ToArray();
        return names.Length == 0 ? "-" : string.Join(' ', names);
    }
}
