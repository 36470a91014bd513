using System.Runtime.CompilerServices;
using Iced.Intel;
using Vmm.Emulation.Physical;

namespace Vmm.Emulation.Execution;

/// <summary>
/// The decode cache: a direct-mapped table of <see cref="CodeBlock"/>s keyed by (CS base, RIP, code size).
/// </summary>
/// <remarks>
/// Staleness is handled with an epoch and a byte comparison rather than by tracking every writer:
/// <list type="bullet">
/// <item>A block is trusted without checks while the interpreter's epoch equals the block's.</item>
/// <item>The epoch moves on at every run start, after every exit (a device may have written guest
/// memory through <c>IGuestMemory</c>, which nothing can intercept), on TLB flushes and serializing
/// instructions (cross-modifying code on another vCPU is only guaranteed visible after one, Intel SDM
/// Vol. 3A 9.1.3), and when a store of this vCPU lands on decoded bytes (<see cref="CodePageMap"/>).</item>
/// <item>A block from an older epoch re-translates its RIP and compares its saved bytes with RAM: equal,
/// it is trusted again; different, it is decoded afresh.</item>
/// </list>
/// A tight loop with no exits and no stores to code runs from the cache with no check at all.
/// </remarks>
internal sealed unsafe partial class Interpreter
{
    private const int BlockSlots = 4096;

    private readonly CodeBlock?[] _blocks = new CodeBlock?[BlockSlots];
    private readonly CodePageMap _codePages = new();
    private readonly FetchReader _reader = new();
    private readonly Decoder _decoder16;
    private readonly Decoder _decoder32;
    private readonly Decoder _decoder64;
    private long _epoch;

    /// <summary>Decodes served from the cache vs. decoded afresh, for tests.</summary>
    internal long BlocksDecoded { get; private set; }

    /// <summary>
    /// What a decoding depends on besides the bytes: the code size, and whether the CPU is in protected mode
    /// (a CS-override store is legal in real mode and #GP in protected mode, decided at decode time).
    /// </summary>
    private int DecodeMode => _codeBitness | (ProtectedMode ? 0x100 : 0);

    private CodeBlock GetBlock()
    {
        ulong csBase = SegmentBase(SegmentIndex.Cs);
        ulong rip = _rip;
        ulong linear = (csBase + rip) & _linearMask;
        ref CodeBlock? slot = ref Unsafe.Add(ref First(_blocks), (int)((linear ^ (linear >> 12)) & (BlockSlots - 1)));
        CodeBlock? block = slot;
        if (block is not null && block.Rip == rip && block.CsBase == csBase && block.Mode == DecodeMode
            && (block.Epoch == _epoch || Revalidate(block, linear)))
        {
            return block;
        }

        block ??= slot = new CodeBlock();
        Decode(block, linear, csBase);
        return block;
    }

    /// <summary>True if <paramref name="block"/> still decodes what is in memory at <paramref name="linear"/>.</summary>
    private bool Revalidate(CodeBlock block, ulong linear)
    {
        if (block.Count == 0)
            return false;
        ref TlbEntry first = ref Translate(linear, Access.Execute);
        if (first.Host == 0 || ((first.PhysicalPage << 12) | (linear & PageMask)) != block.Physical)
            return false;
        var cached = new ReadOnlySpan<byte>(block.Bytes, 0, block.FirstPageLength);
        if (!cached.SequenceEqual(new ReadOnlySpan<byte>((byte*)first.Host + (linear & PageMask), block.FirstPageLength)))
            return false;

        if (block.SecondPage != CodeBlock.NoPage)
        {
            ref TlbEntry second = ref Translate((linear + (ulong)block.FirstPageLength) & _linearMask, Access.Execute);
            int rest = block.Length - block.FirstPageLength;
            if (second.Host == 0 || second.PhysicalPage << 12 != block.SecondPage
                || !new ReadOnlySpan<byte>(block.Bytes, block.FirstPageLength, rest).SequenceEqual(new ReadOnlySpan<byte>((byte*)second.Host, rest)))
            {
                return false;
            }
        }

        block.Epoch = _epoch;
        return true;
    }

    private void Decode(CodeBlock block, ulong linear, ulong csBase)
    {
        BlocksDecoded++;
        block.Count = 0;
        block.Epoch = -1;
        block.Rip = _rip;
        block.CsBase = csBase;
        block.Mode = DecodeMode;

        ref TlbEntry first = ref Translate(linear, Access.Execute);
        int offset = (int)(linear & PageMask);
        ulong physical = (first.PhysicalPage << 12) | (uint)offset;
        if (first.Host == 0)
            throw new EmulationLimit($"instruction fetch from guest-physical 0x{physical:x}, which is not RAM");
        ulong firstPage = first.PhysicalPage;
        int onPage = 4096 - offset;
        int copied = Math.Min(onPage, block.Bytes.Length);
        new ReadOnlySpan<byte>((byte*)first.Host + offset, copied).CopyTo(block.Bytes);

        // The block may end with an instruction that crosses into the next page: bring that page's first
        // bytes too, if it is mapped RAM. If it is not, an instruction needing them faults below.
        ulong secondPage = CodeBlock.NoPage;
        if (copied == onPage && copied < block.Bytes.Length && TryTranslateFetch((linear + (ulong)onPage) & _linearMask, out nint secondHost, out ulong secondPhysical))
        {
            int extra = Math.Min(CodeBlock.MaxInstructionLength, block.Bytes.Length - copied);
            new ReadOnlySpan<byte>((byte*)secondHost, extra).CopyTo(block.Bytes.AsSpan(copied));
            copied += extra;
            secondPage = secondPhysical;
        }

        Decoder decoder = _codeBitness switch { 64 => _decoder64, 32 => _decoder32, _ => _decoder16 };
        ulong ipMask = _codeBitness == 64 ? ulong.MaxValue : _codeBitness == 32 ? 0xFFFF_FFFF : 0xFFFF;
        _reader.Reset(block.Bytes, copied, 0);
        decoder.IP = _rip;
        int limit = Math.Min(onPage, CodeBlock.MaxBytes);
        int length = 0;
        int count = 0;
        while (true)
        {
            decoder.Decode(out Instruction instruction);
            if (decoder.LastError == DecoderError.NoMoreBytes)
            {
                if (count > 0)
                    break;
                // The first instruction needs bytes from a page that is not mapped (#PF) or not RAM.
                ref TlbEntry next = ref Translate((linear + (ulong)onPage) & _linearMask, Access.Execute);
                throw new EmulationLimit($"instruction fetch from guest-physical 0x{next.PhysicalPage << 12:x}, which is not RAM");
            }

            ref DecodedInstruction d = ref block.Instructions[count];
            bool endsBlock = TranslateInstruction(in instruction, ref d, HasOperandSizePrefix(block.Bytes, length, instruction.Length));
            if (instruction.SegmentPrefix == Register.CS && ProtectedMode && _codeBitness != 64 && WritesThroughCs(in instruction))
                d.Handler = &WriteToCodeSegment;
            d.NextIp = instruction.NextIP & ipMask;
            d.IndexInBlock = (byte)count;
            count++;
            length += instruction.Length;
            if (endsBlock || length >= limit || count == CodeBlock.MaxInstructions)
                break;
        }

        block.Count = count;
        block.Length = length;
        block.Physical = physical;
        block.FirstPageLength = Math.Min(length, onPage);
        block.SecondPage = length > onPage ? secondPage : CodeBlock.NoPage;
        _codePages.Mark(physical, block.FirstPageLength);
        ProtectCodePage(firstPage);
        if (block.SecondPage != CodeBlock.NoPage)
        {
            _codePages.Mark(block.SecondPage, length - onPage);
            ProtectCodePage(block.SecondPage >> 12);
        }

        block.Epoch = _epoch;
    }

    private readonly InstructionInfoFactory _instructionInfo = new();

    /// <summary>Whether <paramref name="instruction"/> stores to memory through CS (decode time only: this allocates).</summary>
    private bool WritesThroughCs(in Instruction instruction)
    {
        foreach (UsedMemory memory in _instructionInfo.GetInfo(instruction).GetUsedMemory())
        {
            if (memory.Segment == Register.CS && memory.Access is OpAccess.Write or OpAccess.ReadWrite or OpAccess.CondWrite or OpAccess.ReadCondWrite)
                return true;
        }

        return false;
    }

    /// <summary>A store through a CS override in protected mode: code segments are never writable (#GP(0)).</summary>
    private static ExecStatus WriteToCodeSegment(Interpreter c, ref DecodedInstruction d) =>
        throw new GuestFault(ExceptionVector.GeneralProtection, 0, $"{Format(in d.Instruction)} writes through CS, a code segment");

    /// <summary>Whether the legacy prefixes of the instruction at <paramref name="start"/> include 66h.</summary>
    private static bool HasOperandSizePrefix(byte[] bytes, int start, int length)
    {
        for (int i = start; i < start + length; i++)
        {
            switch (bytes[i])
            {
                case 0x66: return true;
                case 0x26 or 0x2E or 0x36 or 0x3E or 0x64 or 0x65 or 0x67 or 0xF0 or 0xF2 or 0xF3: continue;
                default: return false;
            }
        }

        return false;
    }

    /// <summary>Translates an instruction fetch without faulting: false if the page is unmapped or not RAM.</summary>
    private bool TryTranslateFetch(ulong linear, out nint host, out ulong physicalPageAddress)
    {
        ulong cr2 = _cr2;
        try
        {
            ref TlbEntry entry = ref Translate(linear, Access.Execute);
            host = entry.Host;
            physicalPageAddress = entry.PhysicalPage << 12;
            return host != 0;
        }
        catch (Exception e) when (e is GuestFault or EmulationLimit)
        {
            _cr2 = cr2;
            host = 0;
            physicalPageAddress = 0;
            return false;
        }
    }
}
