using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;
using Vmm.Emulation.Physical;
using Vmm.Sdk;

namespace Vmm.Emulation.Execution;

/// <summary>
/// One vCPU's architectural state and the interpreter that runs it: decoded blocks from a per-vCPU cache,
/// one handler call per instruction, lazily computed flags, a software TLB in front of RAM, and exits to
/// the pipeline for port I/O, MMIO and HLT. Not thread-safe: <see cref="Run"/> on one thread at a time;
/// only <see cref="RequestStop"/> may come from anywhere.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    private static readonly VcpuRunResult s_requested = new(VcpuStopReason.Requested);
    private static readonly VcpuRunResult s_halted = new(VcpuStopReason.Halted);

    // The largest exit: a batched INS reads up to 1024 bytes ahead, like KVM's emulator (read_cache.data).
    private const int ExitBufferSize = 1024;

    private readonly int _id;
    private readonly PhysicalMemory _memory;
    private readonly CpuidTable _cpuid;
    private readonly UnknownMsrPolicy _unknownMsrs;
    private readonly ulong _tscIncrement;
    private readonly byte[] _exitBuffer = new byte[ExitBufferSize];

    // General registers, RIP and the flags word. When _lazyOp is not None the arithmetic bits of _flags are
    // stale and the lazy fields below hold what computes them.
    private RegisterFile _gpr;
    private ulong _rip;
    private ulong _flags = Rflags.Reserved1;

    // Segments, descriptor tables, control registers.
    private SegmentFile _segments;
    private SegmentBases _segmentBases;
    private SegmentRegister _ldtr;
    private SegmentRegister _tr;
    private ulong _gdtBase;
    private ulong _idtBase;
    private ushort _gdtLimit;
    private ushort _idtLimit;
    private ulong _cr0 = ControlBits.Cr0Reset;
    private ulong _cr2;
    private ulong _cr3;
    private ulong _cr4;
    private ulong _cr8;
    private ulong _efer;

    // Derived from CS, SS, CR0 and EFER by UpdateMode: what decoding and addressing need per instruction.
    private int _codeBitness = 16;
    private ulong _linearMask = 0xFFFF_FFFF;
    private int _stackSize = 2;

    // Run state.
    private ExitHandler? _pipeline;
    private int _stopRequested;
    private bool _endBlock;
    private VcpuRunResult? _pendingStop;
    private VcpuRunResult? _stopResult;
    private long _retired;

    public Interpreter(int id, PhysicalMemory memory, EmulatorOptions options, Chipset.PcChipset? chipset = null)
    {
        _id = id;
        _chipset = chipset;
        _interruptSource = id == 0 ? chipset : null;
        _memory = memory;
        _cpuid = options.CpuidTable.Clone();
        _unknownMsrs = options.UnknownMsrs;
        _tscIncrement = options.TscIncrementPerInstruction;
        _decoder16 = Decoder.Create(16, _reader, DecoderOptions.None);
        _decoder32 = Decoder.Create(32, _reader, DecoderOptions.None);
        _decoder64 = Decoder.Create(64, _reader, DecoderOptions.None);
        FlushTlb();
        Reset();
    }

    public int Id => _id;

    /// <summary>Instructions completed so far; read from any thread.</summary>
    public long InstructionsRetired => Volatile.Read(ref _retired);

    /// <summary>Register <paramref name="index"/> (<see cref="Gpr"/>), by reference; never <see cref="Gpr.HighByte"/> numbers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref ulong Reg(int index) => ref Unsafe.Add(ref Unsafe.As<RegisterFile, ulong>(ref _gpr), index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref ulong SegmentBase(int segment) => ref Unsafe.Add(ref Unsafe.As<SegmentBases, ulong>(ref _segmentBases), segment);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref SegmentRegister Segment(int segment) => ref Unsafe.Add(ref Unsafe.As<SegmentFile, SegmentRegister>(ref _segments), segment);

    /// <summary>All ones in the low <paramref name="size"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SizeMask(int size) => ulong.MaxValue >> (64 - (size << 3));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SignBit(int size) => 1ul << ((size << 3) - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long SignExtend(ulong value, int size) => (long)(value << (64 - (size << 3))) >> (64 - (size << 3));

    /// <summary>Reads a <paramref name="size"/>-byte register operand, zero-extended.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong ReadGpr(int reg, int size)
    {
        if (size == 4)
            return (uint)Reg(reg);
        if (size == 8)
            return Reg(reg);
        if (size == 2)
            return (ushort)Reg(reg);
        return reg >= Gpr.HighByte ? (byte)(Reg(reg - Gpr.HighByte) >> 8) : (byte)Reg(reg);
    }

    /// <summary>Writes a register operand: 32-bit writes zero the upper half, 8- and 16-bit writes merge.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteGpr(int reg, int size, ulong value)
    {
        if (size == 4)
        {
            Reg(reg) = (uint)value;
        }
        else if (size == 8)
        {
            Reg(reg) = value;
        }
        else if (size == 2)
        {
            ref ulong r = ref Reg(reg);
            r = (r & ~0xFFFFul) | (ushort)value;
        }
        else if (reg >= Gpr.HighByte)
        {
            ref ulong r = ref Reg(reg - Gpr.HighByte);
            r = (r & ~0xFF00ul) | ((value & 0xFF) << 8);
        }
        else
        {
            ref ulong r = ref Reg(reg);
            r = (r & ~0xFFul) | (byte)value;
        }
    }

    /// <summary>Writes a register that holds an address-size quantity (RSI, RDI, RCX of string instructions).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteAddressRegister(int reg, int addressSize, ulong value)
    {
        if (addressSize == 8)
            Reg(reg) = value;
        else if (addressSize == 4)
            Reg(reg) = (uint)value;
        else
            Reg(reg) = (Reg(reg) & ~0xFFFFul) | (ushort)value;
    }

    /// <summary>The operand's effective address (offset in its segment), wrapped to the address size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong EffectiveAddress(ref DecodedInstruction d) =>
        (d.Displacement + Reg(d.Base) + (Reg(d.Index) << d.Scale)) & d.AddressMask;

    /// <summary>The memory operand's linear address.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong LinearAddress(ref DecodedInstruction d) =>
        (SegmentBase(d.Segment) + EffectiveAddress(ref d)) & _linearMask;

    /// <summary>The linear address of <paramref name="offset"/> in <paramref name="segment"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Linear(int segment, ulong offset) => (SegmentBase(segment) + offset) & _linearMask;

    /// <summary>
    /// Recomputes what depends on CS, SS, CR0 and EFER: code size (64 in long mode with CS.L, else CS.D),
    /// stack size (SS.B), and each segment's linear-address base (ES/CS/SS/DS count as 0 in 64-bit mode).
    /// </summary>
    private void UpdateMode()
    {
        bool longMode = (_efer & ControlBits.EferLma) != 0;
        ref SegmentRegister cs = ref Segment(SegmentIndex.Cs);
        bool code64 = longMode && cs.IsLong;
        _codeBitness = code64 ? 64 : cs.IsDefaultBig ? 32 : 16;
        _linearMask = code64 ? ulong.MaxValue : 0xFFFF_FFFF;
        _stackSize = code64 ? 8 : Segment(SegmentIndex.Ss).IsDefaultBig ? 4 : 2;
        for (int s = 0; s < SegmentIndex.Count; s++)
            SegmentBase(s) = code64 && s < SegmentIndex.Fs ? 0 : Segment(s).Base;
    }

    /// <summary>The RAM regions this interpreter reads through; refreshed when the VM adds one.</summary>
    private GuestMemoryRegion[] _ram = [];
    private int _ramVersion = -1;

    private void RefreshRam()
    {
        int version = _memory.Version;
        if (version == _ramVersion)
            return;
        _ram = _memory.Regions;
        _ramVersion = version;
        FlushTlb();
    }

    /// <summary>The host address of guest-physical page <paramref name="page"/> (a page number), or 0 if it is not RAM.</summary>
    private nint HostPage(ulong page)
    {
        ulong address = page << 12;
        foreach (GuestMemoryRegion region in _ram)
        {
            if (region.Contains(address, PhysicalMemory.PageSize))
                return region.HostAddress + (nint)(address - region.GuestAddress);
        }

        return 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T First<T>(T[] array) => ref MemoryMarshal.GetArrayDataReference(array);
}
