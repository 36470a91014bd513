namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>Numbers a guest's report sites in the order they are assembled, across all its code blocks.</summary>
internal sealed class ReportSites
{
    private const int MaxSites = 0xFFF;

    private int _count;

    public ushort Next(ushort portBase)
    {
        if (_count == MaxSites)
            throw new InvalidOperationException($"a guest may have at most {MaxSites} report sites");
        return (ushort)(portBase + ++_count);
    }
}
