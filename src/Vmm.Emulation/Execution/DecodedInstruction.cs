using Iced.Intel;

namespace Vmm.Emulation.Execution;

/// <summary>
/// One instruction as the interpreter runs it: the handler chosen once at decode time and the operands
/// pre-digested into register numbers, masks and constants, so executing it needs no Iced call. The Iced
/// <see cref="Instruction"/> is kept for the rare handlers that want more and for error messages.
/// </summary>
internal unsafe struct DecodedInstruction
{
    /// <summary>Executes the instruction; RIP already holds <see cref="Ip"/>.</summary>
    public delegate*<Interpreter, ref DecodedInstruction, ExecStatus> Handler;

    /// <summary>The instruction's RIP (offset in CS).</summary>
    public ulong Ip;

    /// <summary>The RIP of the next instruction, wrapped to the code size.</summary>
    public ulong NextIp;

    /// <summary>The immediate (masked to the operand size), or the near branch target.</summary>
    public ulong Immediate;

    /// <summary>The memory operand's displacement; the absolute address for a RIP-relative operand.</summary>
    public ulong Displacement;

    /// <summary>The memory operand's effective-address mask: 0xFFFF, 0xFFFF_FFFF or all ones.</summary>
    public ulong AddressMask;

    /// <summary>Operand size in bytes: 1, 2, 4 or 8.</summary>
    public byte OperandSize;

    /// <summary>Second size where an instruction has one (the source of MOVZX, the stack slot of a far call).</summary>
    public byte OtherSize;

    /// <summary>Address size in bytes (2, 4 or 8): string and loop counters, memory operands.</summary>
    public byte AddressSize;

    /// <summary>Register operands (<see cref="Gpr"/> numbers, or a segment or control register number).</summary>
    public byte Reg0, Reg1;

    /// <summary>Memory operand: base and index registers (<see cref="Gpr.Zero"/> when absent), log2 scale, segment.</summary>
    public byte Base, Index, Scale, Segment;

    /// <summary>Condition code 0-15 for Jcc, SETcc and CMOVcc; the operation of a group handler otherwise.</summary>
    public byte Condition;

    /// <summary>A REP/REPE prefix (1) or REPNE (2) on a string instruction; 0 otherwise.</summary>
    public byte Rep;

    /// <summary>The instruction's place in its block, so RDTSC knows the exact count retired before it.</summary>
    public byte IndexInBlock;

    /// <summary>The full decoding.</summary>
    public Instruction Instruction;
}
