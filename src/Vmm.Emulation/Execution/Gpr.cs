namespace Vmm.Emulation.Execution;

/// <summary>Register numbers as the interpreter stores them in a <see cref="DecodedInstruction"/>.</summary>
internal static class Gpr
{
    public const byte Rax = 0, Rcx = 1, Rdx = 2, Rbx = 3, Rsp = 4, Rbp = 5, Rsi = 6, Rdi = 7;

    /// <summary>Reads as 0 and is never written: the base or index of a memory operand that has none.</summary>
    public const byte Zero = 16;

    /// <summary>AH, CH, DH and BH are <c>HighByte + 0..3</c>: bits 8-15 of RAX, RCX, RDX and RBX.</summary>
    public const byte HighByte = 20;
}
