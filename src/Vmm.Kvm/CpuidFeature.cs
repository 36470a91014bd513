namespace Vmm.Kvm;

/// <summary>One CPUID feature bit: leaf (EAX input), subleaf (ECX input), output register and bit number.</summary>
/// <param name="Leaf">The CPUID function.</param>
/// <param name="Register">The output register holding the bit.</param>
/// <param name="Bit">The bit number, 0 to 31.</param>
/// <param name="Subleaf">The subleaf, for leaves KVM reports per subleaf (ignored for the others).</param>
public readonly record struct CpuidFeature(uint Leaf, CpuidRegister Register, int Bit, uint Subleaf = 0)
{
    // Intel SDM Vol. 2A, CPUID, Table 3-10 "Feature Information Returned in the ECX Register" (leaf 1).

    /// <summary>CMPXCHG16B (leaf 1 ECX bit 13).</summary>
    public static CpuidFeature Cx16 { get; } = new(1, CpuidRegister.Ecx, 13);

    /// <summary>XSAVE/XRSTOR/XSETBV/XGETBV and XCR0 (leaf 1 ECX bit 26).</summary>
    public static CpuidFeature Xsave { get; } = new(1, CpuidRegister.Ecx, 26);

    /// <summary>The OS has set CR4.OSXSAVE (leaf 1 ECX bit 27).</summary>
    public static CpuidFeature OsXsave { get; } = new(1, CpuidRegister.Ecx, 27);

    /// <inheritdoc />
    public override string ToString() => $"CPUID.{Leaf:x}h.{Subleaf}:{Register}[{Bit}]";
}
