using System.Runtime.CompilerServices;

namespace Vmm.Emulation.Execution;

/// <summary>
/// The 16 general registers in x86 encoding order (RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8-R15), then
/// <see cref="Gpr.Zero"/>, a register that always reads 0, so an absent base or index costs no branch.
/// </summary>
[InlineArray(Length)]
internal struct RegisterFile
{
    public const int Length = 17;

    private ulong _element0;
}
