namespace Vmm.Emulation;

/// <summary>
/// What the emulator's CPUID returns, per leaf and subleaf. A leaf set without a subleaf answers every
/// subleaf; a leaf with no entry returns zeros (as AMD does for leaves past the maximum).
/// <see cref="CreateDefault"/> describes a plain x86-64 CPU with exactly the features the emulator implements.
/// </summary>
/// <remarks>
/// Like KVM, each vCPU puts its own id into leaf 1 EBX[31:24] (initial APIC id) and leaves 0Bh/1Fh EDX
/// (x2APIC id); everything else is returned as set here.
/// </remarks>
/// <example>
/// <code>
/// var table = CpuidTable.CreateDefault();
/// CpuidResult leaf1 = table.Lookup(1, 0);
/// table.Set(1, leaf1 with { Edx = leaf1.Edx &amp; ~(1u &lt;&lt; 4) });   // hide the TSC
/// </code>
/// </example>
public sealed class CpuidTable
{
    /// <summary>Leaf 0 vendor string of <see cref="CreateDefault"/>.</summary>
    public const string DefaultVendor = "VmmEmulation";

    /// <summary>Brand string (leaves 8000_0002h-8000_0004h) of <see cref="CreateDefault"/>.</summary>
    public const string DefaultBrand = "Vmm emulated x86-64 CPU";

    // Feature bits, Intel SDM Vol. 2A CPUID Tables 3-10/3-11 and AMD APM Vol. 3 E.4.
    private const uint Leaf1EdxPse = 1u << 3, Leaf1EdxTsc = 1u << 4, Leaf1EdxMsr = 1u << 5, Leaf1EdxPae = 1u << 6;
    private const uint Leaf1EdxCx8 = 1u << 8, Leaf1EdxPge = 1u << 13, Leaf1EdxCmov = 1u << 15, Leaf1EdxPat = 1u << 16;
    private const uint Leaf1EdxClflush = 1u << 19;
    private const uint Leaf1EcxHypervisor = 1u << 31;
    private const uint ExtEcxLahfLm = 1u << 0;
    private const uint ExtEdxNx = 1u << 20, ExtEdxPage1Gb = 1u << 26, ExtEdxLm = 1u << 29;

    private readonly Dictionary<(uint Leaf, uint Subleaf), CpuidResult> _exact = [];
    private readonly Dictionary<uint, CpuidResult> _anySubleaf = [];

    /// <summary>An empty table: every leaf returns zeros.</summary>
    public static CpuidTable CreateEmpty() => new();

    /// <summary>
    /// A plain x86-64 CPU: vendor <see cref="DefaultVendor"/>, family 6, and the features the interpreter
    /// implements: PSE, TSC, MSR, PAE, CX8, PGE, CMOV, PAT, CLFLUSH, NX, 1 GiB pages, long mode and LAHF/SAHF
    /// in 64-bit mode, plus the hypervisor bit. No FPU, SSE, APIC, SYSCALL or SYSENTER: the emulator runs
    /// none of them. Leaf 4000_0000h names the hypervisor ("VmmEmulation"); 8000_0008h reports 48 physical
    /// and 48 linear address bits.
    /// </summary>
    public static CpuidTable CreateDefault()
    {
        var table = new CpuidTable();
        (uint v1, uint v2, uint v3) = CpuidResult.PackText(DefaultVendor);
        const uint maxBasic = 7;
        const uint maxExtended = 0x8000_0008;
        // Leaf 0: the vendor string is EBX, EDX, ECX in that order.
        table.Set(0, new CpuidResult(maxBasic, v1, v3, v2));
        // Family 6, model 6, stepping 3 (0x663, what QEMU's generic models report); EBX: CLFLUSH line of
        // 8 quadwords (64 bytes) in bits 15:8, one logical processor in bits 23:16.
        table.Set(1, new CpuidResult(0x0000_0663, 0x0001_0800, Leaf1EcxHypervisor,
            Leaf1EdxPse | Leaf1EdxTsc | Leaf1EdxMsr | Leaf1EdxPae | Leaf1EdxCx8 | Leaf1EdxPge | Leaf1EdxCmov | Leaf1EdxPat | Leaf1EdxClflush));
        for (uint leaf = 2; leaf <= maxBasic; leaf++)
            table.Set(leaf, default);
        table.Set(0x4000_0000, new CpuidResult(0x4000_0000, v1, v2, v3));
        table.Set(0x8000_0000, new CpuidResult(maxExtended, 0, 0, 0));
        table.Set(0x8000_0001, new CpuidResult(0, 0, ExtEcxLahfLm, ExtEdxNx | ExtEdxPage1Gb | ExtEdxLm));
        Span<byte> brand = stackalloc byte[48];
        brand.Clear();
        System.Text.Encoding.ASCII.GetBytes(DefaultBrand, brand);
        for (uint i = 0; i < 3; i++)
        {
            ReadOnlySpan<byte> part = brand.Slice((int)i * 16, 16);
            table.Set(0x8000_0002 + i, new CpuidResult(
                BitConverter.ToUInt32(part), BitConverter.ToUInt32(part[4..]), BitConverter.ToUInt32(part[8..]), BitConverter.ToUInt32(part[12..])));
        }

        for (uint leaf = 0x8000_0005; leaf < maxExtended; leaf++)
            table.Set(leaf, default);
        table.Set(maxExtended, new CpuidResult(0x3030, 0, 0, 0));
        return table;
    }

    /// <summary>Sets what every subleaf of <paramref name="leaf"/> returns (entries for single subleaves still win).</summary>
    public CpuidTable Set(uint leaf, CpuidResult value)
    {
        _anySubleaf[leaf] = value;
        return this;
    }

    /// <summary>Sets what subleaf <paramref name="subleaf"/> (ECX) of <paramref name="leaf"/> (EAX) returns.</summary>
    public CpuidTable Set(uint leaf, uint subleaf, CpuidResult value)
    {
        _exact[(leaf, subleaf)] = value;
        return this;
    }

    /// <summary>Removes every entry of <paramref name="leaf"/>; true if there was one.</summary>
    public bool Remove(uint leaf)
    {
        bool removed = _anySubleaf.Remove(leaf);
        foreach ((uint Leaf, uint Subleaf) key in _exact.Keys.Where(k => k.Leaf == leaf).ToList())
            removed |= _exact.Remove(key);
        return removed;
    }

    /// <summary>What CPUID with EAX=<paramref name="leaf"/>, ECX=<paramref name="subleaf"/> returns (before the per-vCPU APIC id).</summary>
    public CpuidResult Lookup(uint leaf, uint subleaf) =>
        _exact.TryGetValue((leaf, subleaf), out CpuidResult exact) ? exact
        : _anySubleaf.TryGetValue(leaf, out CpuidResult any) ? any
        : default;

    /// <summary>A copy that later changes to this table do not affect.</summary>
    public CpuidTable Clone()
    {
        var copy = new CpuidTable();
        foreach (KeyValuePair<(uint Leaf, uint Subleaf), CpuidResult> entry in _exact)
            copy._exact.Add(entry.Key, entry.Value);
        foreach (KeyValuePair<uint, CpuidResult> entry in _anySubleaf)
            copy._anySubleaf.Add(entry.Key, entry.Value);
        return copy;
    }
}
