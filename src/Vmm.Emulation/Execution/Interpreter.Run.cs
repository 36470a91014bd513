using System.Runtime.CompilerServices;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Sdk;

namespace Vmm.Emulation.Execution;

/// <summary>
/// The run loop, with KVM's outcomes: an I/O or MMIO exit whose outcome is not Resume completes its
/// instruction and returns <see cref="VcpuStopReason.Requested"/>; HLT returns <see cref="VcpuStopReason.Halted"/>
/// unless resumed; <see cref="RequestStop"/> sends a <see cref="ExitKind.Cancelled"/> exit through the
/// pipeline and returns Requested at the next block boundary; a guest exception goes to the guest's handler,
/// or, if the IDT cannot deliver it, nor the #DF that follows, is a triple fault
/// (<see cref="ExitKind.Shutdown"/>); anything the emulator cannot do is a
/// <see cref="ExitKind.Fatal"/> exit and a fatal result that names it.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    // Long REP string instructions look at the stop flag this often, so a stop is never held up by one.
    private const int RepStopCheckInterval = 1024;

    public VcpuRunResult Run(ExitHandler pipeline)
    {
        _pipeline = pipeline;
        _pendingStop = null;
        _stopResult = null;
        // Anything may have written guest memory since the last run: revalidate cached code.
        _epoch++;
        RefreshRam();
        try
        {
            return RunLoop();
        }
        finally
        {
            _pipeline = null;
        }
    }

    /// <summary>Makes <see cref="Run"/> return at the next block boundary; kept if no run is in progress.</summary>
    public void RequestStop()
    {
        Interlocked.Exchange(ref _stopRequested, 1);
        WakeForStop();
    }

    private VcpuRunResult RunLoop()
    {
        while (true)
        {
            if (Volatile.Read(ref _stopRequested) != 0)
                return Cancel();

            bool shadow = _interruptShadow;
            _interruptShadow = false;
            ExecStatus status;
            try
            {
                if (!shadow && ExternalInterruptReady && TakeExternalInterrupt() is { } fatal)
                    return fatal;
                status = ExecuteBlock(GetBlock(), shadow);
            }
            catch (GuestFault fault)
            {
                if (HandleFault(fault) is { } end)
                    return end;
                continue;
            }
            catch (EmulationLimit limit)
            {
                return Fatal($"{limit.Message}, at {Where()} ({DisassembleAtRip()})");
            }

            if (status == ExecStatus.Stop)
                return _stopResult!;
            if (_pendingStop is { } pending)
            {
                // As KVM: the stop completes the exit, and a stop requested meanwhile is part of it.
                _pendingStop = null;
                Interlocked.Exchange(ref _stopRequested, 0);
                return pending;
            }
        }
    }

    /// <summary>
    /// Runs a block's instructions until one branches, stops, or something ends the block early; only the first
    /// with <paramref name="single"/> (the instruction in an STI or MOV SS interrupt shadow).
    /// </summary>
    private ExecStatus ExecuteBlock(CodeBlock block, bool single)
    {
        _endBlock = false;
        ref DecodedInstruction first = ref First(block.Instructions);
        int count = single ? 1 : block.Count;
        int i = 0;
        ExecStatus status;
        while (true)
        {
            ref DecodedInstruction d = ref Unsafe.Add(ref first, i);
            _rip = d.Ip;
            status = d.Handler(this, ref d);
            i++;
            if (status != ExecStatus.Next)
                break;
            if (i == count || _endBlock)
            {
                _rip = d.NextIp;
                break;
            }
        }

        _retired += i;
        return status;
    }

    private VcpuRunResult Cancel()
    {
        Interlocked.Exchange(ref _stopRequested, 0);
        var exit = new ExitContext(ExitKind.Cancelled, _id, 0, 0, 0, default) { InstructionPointer = _rip };
        _pipeline!(ref exit);
        return s_requested;
    }

    /// <summary>A fatal exit goes through the pipeline (no data), then the run returns the cause and the registers.</summary>
    private VcpuRunResult Fatal(string cause)
    {
        var exit = new ExitContext(ExitKind.Fatal, _id, 0, 0, 0, default) { InstructionPointer = _rip };
        _pipeline!(ref exit);
        return new VcpuRunResult(VcpuStopReason.Fatal, $"vCPU {_id}: {cause}{Environment.NewLine}{DescribeState()}");
    }

    /// <summary>Delivers a guest exception; null to run on (in the handler), else how the run ends.</summary>
    private VcpuRunResult? HandleFault(GuestFault fault)
    {
        try
        {
            VcpuRunResult? end = DeliverFault(fault);
            _epoch++;
            return end;
        }
        catch (EmulationLimit limit)
        {
            return Fatal($"guest exception {fault.Describe()} at {Where()} ({DisassembleAtRip()}) cannot be delivered: {limit.Message}");
        }
    }

    /// <summary>Reads 8 bytes of RAM at a linear address without faulting or exiting.</summary>
    private bool TryReadRam(ulong linear, out ulong value)
    {
        value = 0;
        ulong cr2 = _cr2;
        try
        {
            for (int i = 0; i < 8; i++)
            {
                ulong address = (linear + (ulong)i) & _linearMask;
                ref TlbEntry entry = ref Translate(address, Access.Read);
                if (entry.Host == 0)
                    return false;
                value |= (ulong)((byte*)entry.Host)[address & PageMask] << (i << 3);
            }

            return true;
        }
        catch (Exception e) when (e is GuestFault or EmulationLimit)
        {
            _cr2 = cr2;
            return false;
        }
    }

    private string Where() => $"{Segment(SegmentIndex.Cs).Selector:x4}:{_rip:x}";

    /// <summary>The Iced disassembly of the instruction at CS:RIP, or why there is none (for messages only).</summary>
    private string DisassembleAtRip()
    {
        Span<byte> bytes = stackalloc byte[CodeBlock.MaxInstructionLength];
        int length = 0;
        ulong linear = (SegmentBase(SegmentIndex.Cs) + _rip) & _linearMask;
        for (; length < bytes.Length; length++)
        {
            if (!TryReadByte((linear + (ulong)length) & _linearMask, out bytes[length]))
                break;
        }

        if (length == 0)
            return "instruction bytes unreadable";
        var decoder = Decoder.Create(_codeBitness, new ByteArrayCodeReader(bytes[..length].ToArray()), _rip);
        decoder.Decode(out Instruction instruction);
        if (instruction.IsInvalid)
            return $"invalid instruction bytes {Convert.ToHexString(bytes[..Math.Min(length, 4)])}";
        return Format(instruction);
    }

    private bool TryReadByte(ulong linear, out byte value)
    {
        value = 0;
        ulong cr2 = _cr2;
        try
        {
            ref TlbEntry entry = ref Translate(linear, Access.Execute);
            if (entry.Host == 0)
                return false;
            value = ((byte*)entry.Host)[linear & PageMask];
            return true;
        }
        catch (Exception e) when (e is GuestFault or EmulationLimit)
        {
            _cr2 = cr2;
            return false;
        }
    }

    /// <summary>Iced's Intel-syntax disassembly, e.g. <c>div ecx</c>.</summary>
    internal static string Format(in Instruction instruction)
    {
        var formatter = new IntelFormatter();
        var output = new StringOutput();
        formatter.Format(instruction, output);
        return output.ToStringAndReset();
    }
}
