namespace Vmm.Emulation.Physical;

/// <summary>
/// Which bytes of which guest-physical pages hold instructions this vCPU has decoded: a 4096-bit map per
/// page. A guest store that lands on marked bytes means cached code may be stale. Bits are never cleared
/// one by one (a stale bit costs one needless revalidation), only all at once by <see cref="Clear"/>.
/// </summary>
internal sealed class CodePageMap
{
    private const int WordsPerPage = (int)PhysicalMemory.PageSize / 64;

    private readonly Dictionary<ulong, ulong[]> _pages = [];

    public int PageCount => _pages.Count;

    public bool Contains(ulong physicalPage) => _pages.ContainsKey(physicalPage);

    /// <summary>Marks <paramref name="length"/> bytes at <paramref name="physical"/> (inside one page) as code.</summary>
    public void Mark(ulong physical, int length)
    {
        ulong page = physical / PhysicalMemory.PageSize;
        if (!_pages.TryGetValue(page, out ulong[]? bits))
        {
            bits = new ulong[WordsPerPage];
            _pages.Add(page, bits);
        }

        int offset = (int)(physical % PhysicalMemory.PageSize);
        for (int i = offset; i < offset + length; i++)
            bits[i >> 6] |= 1ul << (i & 63);
    }

    /// <summary>True if any of <paramref name="length"/> bytes at <paramref name="physical"/> (inside one page) is code.</summary>
    public bool Overlaps(ulong physical, int length)
    {
        if (!_pages.TryGetValue(physical / PhysicalMemory.PageSize, out ulong[]? bits))
            return false;
        int offset = (int)(physical % PhysicalMemory.PageSize);
        for (int i = offset; i < offset + length; i++)
        {
            if ((bits[i >> 6] & (1ul << (i & 63))) != 0)
                return true;
        }

        return false;
    }

    public void Clear() => _pages.Clear();
}
