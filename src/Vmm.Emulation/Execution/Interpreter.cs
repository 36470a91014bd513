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

    public Interpreter(int id, PhysicalMemory memory, EmulatorOptions options)
    {
        _id = id;
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

    /// <summary>Puts the vCPU in the state KVM gives a new vCPU (Intel SDM Vol. 3A 10.1.1, Table 10-1).</summary>
    private void Reset()
    {
        _gpr = default;
        _rip = 0xFFF0;
        _flags = Rflags.Reserved1;
        _lazyOp = FlagOp.None;
        for (int s = 0; s < SegmentIndex.Count; s++)
            Segment(s) = SegmentRegister.RealMode(0, 0x3);
        Segment(SegmentIndex.Cs) = SegmentRegister.RealMode(0xF000, 0xB) with { Base = 0xFFFF_0000 };
        _ldtr = new SegmentRegister { Limit = 0xFFFF, Attributes = 0x2 | SegmentRegister.Present };
        _tr = new SegmentRegister { Limit = 0xFFFF, Attributes = 0xB | SegmentRegister.Present };
        _gdtBase = _idtBase = 0;
        _gdtLimit = _idtLimit = 0xFFFF;
        _cr0 = ControlBits.Cr0Reset;
        _cr2 = _cr3 = _cr4 = _cr8 = _efer = 0;
        ResetMsrs();
        ResetDebugRegisters();
        UpdateMode();
    }

    /// <summary>
    /// Sets the mode and registers for <paramref name="state"/> exactly as the KVM backend's VcpuBootSetup
    /// does, so a guest starts the same on both: flat 4 GiB segments with selectors 0x08/0x10 in protected
    /// and long mode, CS:IP split from the entry point in real mode, all other general registers zero.
    /// </summary>
    public void SetBootState(VcpuBootState state)
    {
        const ulong oneMiB = 0x10_0000;
        const ulong fourGiB = 0x1_0000_0000;
        ulong rip;
        switch (state.Mode)
        {
            case CpuMode.Real:
            {
                if (state.EntryPoint >= oneMiB)
                    throw new ArgumentOutOfRangeException(nameof(state), $"real-mode entry point 0x{state.EntryPoint:x} is not below 1 MiB.");
                ushort selector = (ushort)((state.EntryPoint >> 4) & 0xF000);
                Segment(SegmentIndex.Cs) = SegmentRegister.RealMode(selector, 0xB);
                foreach (int s in (ReadOnlySpan<int>)[SegmentIndex.Ds, SegmentIndex.Es, SegmentIndex.Fs, SegmentIndex.Gs, SegmentIndex.Ss])
                    Segment(s) = SegmentRegister.RealMode(0, 0x3);
                _cr0 &= ~(ControlBits.Cr0Pe | ControlBits.Cr0Pg);
                _cr3 = _cr4 = _efer = 0;
                rip = state.EntryPoint - ((ulong)selector << 4);
                break;
            }

            case CpuMode.Protected32:
                if (state.EntryPoint >= fourGiB)
                    throw new ArgumentOutOfRangeException(nameof(state), $"32-bit entry point 0x{state.EntryPoint:x} is above 4 GiB.");
                SetFlatSegments(longMode: false);
                _cr0 = (_cr0 | ControlBits.Cr0Pe) & ~ControlBits.Cr0Pg;
                _cr3 = _cr4 = _efer = 0;
                rip = state.EntryPoint;
                break;

            case CpuMode.Long64:
                if ((state.PageTableRoot & 0xFFF) != 0)
                    throw new ArgumentOutOfRangeException(nameof(state), $"page table root 0x{state.PageTableRoot:x} is not 4 KiB aligned.");
                SetFlatSegments(longMode: true);
                _cr3 = state.PageTableRoot;
                _cr4 = ControlBits.Cr4Pae;
                _efer = ControlBits.EferLme | ControlBits.EferLma;
                _cr0 |= ControlBits.Cr0Pe | ControlBits.Cr0Pg;
                rip = state.EntryPoint;
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(state), state.Mode, "unknown CPU mode");
        }

        _gpr = default;
        Reg(Gpr.Rsp) = state.StackPointer;
        Reg(Gpr.Rax) = state.Rax;
        Reg(Gpr.Rbx) = state.Rbx;
        Reg(Gpr.Rsi) = state.Rsi;
        _rip = rip;
        SetFlags(Rflags.Reserved1);
        UpdateMode();
        FlushTlb();
    }

    private void SetFlatSegments(bool longMode)
    {
        const uint codeType = 0xB, dataType = 0x3;
        uint common = SegmentRegister.System | SegmentRegister.Present | SegmentRegister.Granularity;
        Segment(SegmentIndex.Cs) = new SegmentRegister
        {
            Limit = 0xFFFF_FFFF,
            Selector = 0x08,
            Attributes = codeType | common | (longMode ? SegmentRegister.Long : SegmentRegister.DefaultBig),
        };
        var data = new SegmentRegister { Limit = 0xFFFF_FFFF, Selector = 0x10, Attributes = dataType | common | SegmentRegister.DefaultBig };
        foreach (int s in (ReadOnlySpan<int>)[SegmentIndex.Ds, SegmentIndex.Es, SegmentIndex.Fs, SegmentIndex.Gs, SegmentIndex.Ss])
            Segment(s) = data;
    }

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

    public VcpuRegisters GetRegisters() => new()
    {
        Rax = Reg(Gpr.Rax),
        Rbx = Reg(Gpr.Rbx),
        Rcx = Reg(Gpr.Rcx),
        Rdx = Reg(Gpr.Rdx),
        Rsi = Reg(Gpr.Rsi),
        Rdi = Reg(Gpr.Rdi),
        Rsp = Reg(Gpr.Rsp),
        Rbp = Reg(Gpr.Rbp),
        R8 = Reg(8),
        R9 = Reg(9),
        R10 = Reg(10),
        R11 = Reg(11),
        R12 = Reg(12),
        R13 = Reg(13),
        R14 = Reg(14),
        R15 = Reg(15),
        Rip = _rip,
        Rflags = Flags,
    };

    /// <summary>Replaces the general registers, RIP and RFLAGS; bit 1 of RFLAGS is forced on, as KVM_SET_REGS does.</summary>
    public void SetRegisters(in VcpuRegisters r)
    {
        Reg(Gpr.Rax) = r.Rax;
        Reg(Gpr.Rbx) = r.Rbx;
        Reg(Gpr.Rcx) = r.Rcx;
        Reg(Gpr.Rdx) = r.Rdx;
        Reg(Gpr.Rsi) = r.Rsi;
        Reg(Gpr.Rdi) = r.Rdi;
        Reg(Gpr.Rsp) = r.Rsp;
        Reg(Gpr.Rbp) = r.Rbp;
        Reg(8) = r.R8;
        Reg(9) = r.R9;
        Reg(10) = r.R10;
        Reg(11) = r.R11;
        Reg(12) = r.R12;
        Reg(13) = r.R13;
        Reg(14) = r.R14;
        Reg(15) = r.R15;
        _rip = r.Rip;
        SetFlags(r.Rflags | Rflags.Reserved1);
    }

    /// <summary>The segment, descriptor-table and control registers, for tests and diagnostics.</summary>
    internal SegmentRegister GetSegment(int segment) => Segment(segment);

    internal ulong Cr0 => _cr0;

    internal ulong Cr3 => _cr3;

    internal ulong Cr4 => _cr4;

    internal ulong Efer => _efer;

    internal int CodeBitness => _codeBitness;

    internal (ulong Base, ushort Limit) Gdtr => (_gdtBase, _gdtLimit);

    internal (ulong Base, ushort Limit) Idtr => (_idtBase, _idtLimit);

    public string DescribeState()
    {
        var text = new System.Text.StringBuilder();
        text.Append("vCPU ").Append(_id).AppendLine(" state (emulated):");
        VcpuRegisters r = GetRegisters();
        text.AppendLine($"  rax={r.Rax:x16} rbx={r.Rbx:x16} rcx={r.Rcx:x16} rdx={r.Rdx:x16}");
        text.AppendLine($"  rsi={r.Rsi:x16} rdi={r.Rdi:x16} rsp={r.Rsp:x16} rbp={r.Rbp:x16}");
        text.AppendLine($"  r8 ={r.R8:x16} r9 ={r.R9:x16} r10={r.R10:x16} r11={r.R11:x16}");
        text.AppendLine($"  r12={r.R12:x16} r13={r.R13:x16} r14={r.R14:x16} r15={r.R15:x16}");
        text.AppendLine($"  rip={r.Rip:x16} rflags={r.Rflags:x8}");
        text.AppendLine($"  cs  {Segment(SegmentIndex.Cs)}");
        text.AppendLine($"  ds  {Segment(SegmentIndex.Ds)}");
        text.AppendLine($"  es  {Segment(SegmentIndex.Es)}");
        text.AppendLine($"  fs  {Segment(SegmentIndex.Fs)}");
        text.AppendLine($"  gs  {Segment(SegmentIndex.Gs)}");
        text.AppendLine($"  ss  {Segment(SegmentIndex.Ss)}");
        text.AppendLine($"  tr  {_tr}");
        text.AppendLine($"  ldt {_ldtr}");
        text.AppendLine($"  gdt base={_gdtBase:x16} limit={_gdtLimit:x4}  idt base={_idtBase:x16} limit={_idtLimit:x4}");
        text.AppendLine($"  cr0={_cr0:x16} cr2={_cr2:x16} cr3={_cr3:x16} cr4={_cr4:x16} efer={_efer:x16}");
        text.Append($"  instructions retired: {InstructionsRetired}");
        return text.ToString();
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
