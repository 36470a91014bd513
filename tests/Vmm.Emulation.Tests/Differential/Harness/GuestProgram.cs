using Iced.Intel;
using Vmm.Core.Hypervisor;

namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>
/// One row of a guest table: a tiny program, the mode it boots in, and what the comparison must ignore.
/// The program ends with <c>hlt</c>; what it computes it reports through <see cref="ReportExtensions"/>.
/// </summary>
internal sealed class GuestProgram(string name, CpuMode mode, Action<Assembler> code)
{
    /// <summary>Arithmetic flags plus DF: what the final RFLAGS comparison looks at (Intel SDM Vol. 1 3.4.3).</summary>
    public const ulong ComparedFlags = Flags.CF | Flags.PF | Flags.AF | Flags.ZF | Flags.SF | Flags.OF | Flags.DF;

    public string Name { get; } = name;

    public CpuMode Mode { get; } = mode;

    /// <summary>The code at <see cref="GuestLayout.CodeAddress"/>, in the boot mode's bitness.</summary>
    public Action<Assembler> Code { get; } = code;

    /// <summary>More code, for guests that switch modes.</summary>
    public IReadOnlyList<CodeBlock> MoreCode { get; init; } = [];

    public IReadOnlyList<GuestData> Data { get; init; } = [];

    /// <summary>
    /// Flags the last flag-writing instruction leaves undefined (Intel SDM), ignored in the final RFLAGS.
    /// Reports inside the program mask their own undefined flags.
    /// </summary>
    public ulong UndefinedFinalFlags { get; init; }

    /// <summary>Facts about the trace worked out by hand, checked on every backend: they validate the guest.</summary>
    public Action<GuestTrace>? Check { get; init; }

    public IEnumerable<CodeBlock> Blocks =>
        [new CodeBlock(Mode switch { CpuMode.Real => 16, CpuMode.Protected32 => 32, _ => 64 }, GuestLayout.CodeAddress, Code), .. MoreCode];

    public override string ToString() => Name;
}
