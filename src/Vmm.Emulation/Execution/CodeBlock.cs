namespace Vmm.Emulation.Execution;

/// <summary>
/// A run of decoded instructions that starts at one RIP and ends at a branch, at an instruction that changes
/// how code is decoded or translated, at the end of its page, or at <see cref="MaxInstructions"/>. It keeps a
/// copy of its bytes: entering it after anything may have written guest memory (an exit, a new run, a store
/// to code, a serializing instruction) compares the copy with RAM before trusting the decoding.
/// </summary>
internal sealed class CodeBlock
{
    public const int MaxInstructions = 32;
    public const int MaxBytes = 256;
    public const int MaxInstructionLength = 15;
    public const ulong NoPage = ulong.MaxValue;

    /// <summary>Key: the RIP, the CS base and the decode mode (code size, and protected mode) the bytes were decoded with.</summary>
    public ulong Rip;

    public ulong CsBase;

    public int Mode;

    /// <summary>The interpreter's code epoch when the block was last known to match memory; -1 for never.</summary>
    public long Epoch = -1;

    /// <summary>Guest-physical address of the first byte.</summary>
    public ulong Physical;

    /// <summary>Bytes on the first page; the rest (an instruction that crosses the page end) are on <see cref="SecondPage"/>.</summary>
    public int FirstPageLength;

    /// <summary>Guest-physical page address holding the bytes past the first page, or <see cref="NoPage"/>.</summary>
    public ulong SecondPage = NoPage;

    public int Length;

    public readonly byte[] Bytes = new byte[MaxBytes + MaxInstructionLength];

    public int Count;

    public readonly DecodedInstruction[] Instructions = new DecodedInstruction[MaxInstructions];
}
