using Vmm.Kvm.Native;

namespace Vmm.Kvm;

/// <summary>
/// Which CPUID feature bits the guest must not see, cleared from what KVM_GET_SUPPORTED_CPUID offers
/// before each vCPU's KVM_SET_CPUID2. A guest checks CPUID before it uses an instruction, so hiding a
/// bit keeps it away from an instruction the host's KVM cannot run.
/// </summary>
/// <example>
/// <code>
/// var policy = CpuidPolicy.CreateDefault().Hide(new CpuidFeature(7, CpuidRegister.Ebx, 5)); // and AVX2
/// using var kvm = new KvmHypervisor(policy);
/// </code>
/// </example>
public sealed class CpuidPolicy
{
    private readonly List<CpuidFeature> _hidden = [];

    /// <summary>
    /// The policy for this project's software KVM, which rejects CMPXCHG16B and XSAVE: hides
    /// <see cref="CpuidFeature.Cx16"/>, <see cref="CpuidFeature.Xsave"/> and <see cref="CpuidFeature.OsXsave"/>.
    /// </summary>
    public static CpuidPolicy CreateDefault() =>
        new CpuidPolicy().Hide(CpuidFeature.Cx16).Hide(CpuidFeature.Xsave).Hide(CpuidFeature.OsXsave);

    /// <summary>A policy that passes through everything KVM supports.</summary>
    public static CpuidPolicy CreateEmpty() => new();

    /// <summary>The bits this policy clears.</summary>
    public IReadOnlyList<CpuidFeature> HiddenFeatures => _hidden;

    /// <summary>Clears <paramref name="feature"/> too; returns this policy for chaining.</summary>
    public CpuidPolicy Hide(CpuidFeature feature)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(feature.Bit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(feature.Bit, 31);
        if (!_hidden.Contains(feature))
            _hidden.Add(feature);
        return this;
    }

    /// <summary>Clears the hidden bits in <paramref name="entries"/>.</summary>
    internal void Apply(Span<KvmCpuidEntry2> entries)
    {
        foreach (ref KvmCpuidEntry2 entry in entries)
        {
            foreach (CpuidFeature feature in _hidden)
            {
                if (entry.Function != feature.Leaf)
                    continue;
                if ((entry.Flags & KvmCpuidEntry2.FlagSignificantIndex) != 0 && entry.Index != feature.Subleaf)
                    continue;
                uint mask = ~(1u << feature.Bit);
                switch (feature.Register)
                {
                    case CpuidRegister.Eax: entry.Eax &= mask; break;
                    case CpuidRegister.Ebx: entry.Ebx &= mask; break;
                    case CpuidRegister.Ecx: entry.Ecx &= mask; break;
                    case CpuidRegister.Edx: entry.Edx &= mask; break;
                }
            }
        }
    }
}
