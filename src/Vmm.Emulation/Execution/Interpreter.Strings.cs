using Vmm.Sdk;

namespace Vmm.Emulation.Execution;

/// <summary>
/// String instructions. SI, DI and the REP counter are used and updated at the instruction's address size
/// (CX, ECX or RCX), the source segment is overridable, the destination is always ES. A REP loop stops
/// early, with RIP still on the instruction and the registers up to date so it resumes where it left off,
/// when an exit asked for a stop or every <see cref="RepStopCheckInterval"/> iterations if a stop was requested.
/// </summary>
/// <remarks>
/// Port I/O follows KVM's emulator (arch/x86/kvm/emulate.c) so devices see the same exit sequence:
/// <list type="bullet">
/// <item>OUTS: one IoOut exit per element, Count 1 (em_out).</item>
/// <item>INS: read ahead in one IoIn exit of Count n = min(RCX, bytes from RDI to its page edge in the
/// direction of DF, 1024 bytes / size), at least 1 (pio_in_emulated, which compares a byte count with an
/// element count, and so does this). With REP and DF clear the n elements are stored as one n × size byte
/// write (OP_MEM_STR), so an MMIO destination sees up to 8 bytes per exit; otherwise one element at a time,
/// and an element that goes to MMIO discards the rest of the batch, which KVM reads from the port again.
/// A longer REP INS makes as many such exits as it needs.</item>
/// </list>
/// </remarks>
internal sealed unsafe partial class Interpreter
{
    private const int InsReadAheadBytes = 1024;

    private readonly byte[] _insBuffer = new byte[InsReadAheadBytes];

    /// <summary>The signed step of SI/DI per element: minus the size when DF is set.</summary>
    private ulong StringStep(int size) => (_flags & Rflags.Df) != 0 ? (ulong)-size : (ulong)size;

    /// <summary>
    /// After one iteration of a REP string instruction: true to go on; false to leave RIP on the instruction
    /// (an exit asked for a stop, or a stop was requested) with the registers as they are.
    /// </summary>
    private bool ContinueRep(ref int untilStopCheck)
    {
        if (_pendingStop is not null)
            return false;
        if (--untilStopCheck == 0)
        {
            untilStopCheck = RepStopCheckInterval;
            if (Volatile.Read(ref _stopRequested) != 0)
                return false;
        }

        return true;
    }

    /// <summary>The REP count, or 1 without REP.</summary>
    private ulong RepCount(ref DecodedInstruction d) => d.Rep != 0 ? Reg(Gpr.Rcx) & d.AddressMask : 1;

    private void StoreRepCount(ref DecodedInstruction d, ulong count)
    {
        if (d.Rep != 0)
            WriteAddressRegister(Gpr.Rcx, d.AddressSize, count);
    }

    /// <summary>Leaves the instruction to run again (more elements), or moves past it (done).</summary>
    private ExecStatus FinishString(ref DecodedInstruction d, ulong remaining)
    {
        if (remaining == 0)
            return ExecStatus.Next;
        _rip = d.Ip;
        return ExecStatus.Branch;
    }

    private static ExecStatus Movs(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong step = c.StringStep(size);
        ulong count = c.RepCount(ref d);
        int untilCheck = RepStopCheckInterval;
        while (count != 0)
        {
            ulong si = c.Reg(Gpr.Rsi), di = c.Reg(Gpr.Rdi);
            ulong value = c.Read(c.Linear(d.Segment, si & d.AddressMask), size);
            c.Write(c.Linear(SegmentIndex.Es, di & d.AddressMask), size, value);
            c.WriteAddressRegister(Gpr.Rsi, d.AddressSize, si + step);
            c.WriteAddressRegister(Gpr.Rdi, d.AddressSize, di + step);
            c.StoreRepCount(ref d, --count);
            if (count != 0 && !c.ContinueRep(ref untilCheck))
                break;
        }

        return c.FinishString(ref d, count);
    }

    private static ExecStatus Stos(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong step = c.StringStep(size);
        ulong value = c.ReadGpr(Gpr.Rax, size);
        ulong count = c.RepCount(ref d);
        int untilCheck = RepStopCheckInterval;
        while (count != 0)
        {
            ulong di = c.Reg(Gpr.Rdi);
            c.Write(c.Linear(SegmentIndex.Es, di & d.AddressMask), size, value);
            c.WriteAddressRegister(Gpr.Rdi, d.AddressSize, di + step);
            c.StoreRepCount(ref d, --count);
            if (count != 0 && !c.ContinueRep(ref untilCheck))
                break;
        }

        return c.FinishString(ref d, count);
    }

    private static ExecStatus Lods(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong step = c.StringStep(size);
        ulong count = c.RepCount(ref d);
        int untilCheck = RepStopCheckInterval;
        while (count != 0)
        {
            ulong si = c.Reg(Gpr.Rsi);
            c.WriteGpr(Gpr.Rax, size, c.Read(c.Linear(d.Segment, si & d.AddressMask), size));
            c.WriteAddressRegister(Gpr.Rsi, d.AddressSize, si + step);
            c.StoreRepCount(ref d, --count);
            if (count != 0 && !c.ContinueRep(ref untilCheck))
                break;
        }

        return c.FinishString(ref d, count);
    }

    /// <summary>CMPS: flags of [seg:SI] − [ES:DI]; REPE repeats while equal, REPNE while not.</summary>
    private static ExecStatus Cmps(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong step = c.StringStep(size);
        ulong count = c.RepCount(ref d);
        int untilCheck = RepStopCheckInterval;
        while (count != 0)
        {
            ulong si = c.Reg(Gpr.Rsi), di = c.Reg(Gpr.Rdi);
            ulong source = c.Read(c.Linear(d.Segment, si & d.AddressMask), size);
            ulong destination = c.Read(c.Linear(SegmentIndex.Es, di & d.AddressMask), size);
            SubOperation.Execute(c, source, destination, size);
            c.WriteAddressRegister(Gpr.Rsi, d.AddressSize, si + step);
            c.WriteAddressRegister(Gpr.Rdi, d.AddressSize, di + step);
            c.StoreRepCount(ref d, --count);
            if (d.Rep == 0 || (source == destination) != (d.Rep == 1))
                return ExecStatus.Next;
            if (count != 0 && !c.ContinueRep(ref untilCheck))
                break;
        }

        return c.FinishString(ref d, count);
    }

    /// <summary>SCAS: flags of accumulator − [ES:DI]; REPE repeats while equal, REPNE while not.</summary>
    private static ExecStatus Scas(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong step = c.StringStep(size);
        ulong accumulator = c.ReadGpr(Gpr.Rax, size);
        ulong count = c.RepCount(ref d);
        int untilCheck = RepStopCheckInterval;
        while (count != 0)
        {
            ulong di = c.Reg(Gpr.Rdi);
            ulong value = c.Read(c.Linear(SegmentIndex.Es, di & d.AddressMask), size);
            SubOperation.Execute(c, accumulator, value, size);
            c.WriteAddressRegister(Gpr.Rdi, d.AddressSize, di + step);
            c.StoreRepCount(ref d, --count);
            if (d.Rep == 0 || (accumulator == value) != (d.Rep == 1))
                return ExecStatus.Next;
            if (count != 0 && !c.ContinueRep(ref untilCheck))
                break;
        }

        return c.FinishString(ref d, count);
    }

    /// <summary>OUTS: each element read from [seg:SI] and sent as its own IoOut exit (Count 1), as KVM does.</summary>
    private static ExecStatus Outs(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ushort port = (ushort)c.Reg(Gpr.Rdx);
        ulong step = c.StringStep(size);
        ulong count = c.RepCount(ref d);
        int untilCheck = RepStopCheckInterval;
        while (count != 0)
        {
            ulong si = c.Reg(Gpr.Rsi);
            ulong value = c.Read(c.Linear(d.Segment, si & d.AddressMask), size);
            c.PortOut(port, size, value);
            c.WriteAddressRegister(Gpr.Rsi, d.AddressSize, si + step);
            c.StoreRepCount(ref d, --count);
            if (count != 0 && !c.ContinueRep(ref untilCheck))
                break;
        }

        return c.FinishString(ref d, count);
    }

    /// <summary>INS: one IoIn exit for a read-ahead batch (see the remarks), then the batch stored at ES:DI.</summary>
    private static ExecStatus Ins(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong count = c.RepCount(ref d);
        if (count == 0)
            return ExecStatus.Next;

        ushort port = (ushort)c.Reg(Gpr.Rdx);
        ulong step = c.StringStep(size);
        ulong di = c.Reg(Gpr.Rdi);
        ulong inPage = (c._flags & Rflags.Df) != 0 ? di & PageMask : 4096 - (di & PageMask);
        ulong batch = Math.Min(Math.Min(inPage, (ulong)(InsReadAheadBytes / size)), count);
        if (batch == 0)
            batch = 1;

        Span<byte> data = c._insBuffer.AsSpan(0, (int)batch * size);
        data.Clear();
        if (c._chipset is not null && Chipset.PcChipset.ClaimsPort(port))
        {
            for (int element = 0; element < (int)batch; element++)
            {
                ulong value = c.ChipsetIn(port, size);
                for (int b = 0; b < size; b++)
                    data[element * size + b] = (byte)(value >> (b << 3));
            }
        }
        else
        {
            var exit = new ExitContext(ExitKind.IoIn, c._id, port, size, (int)batch, data) { InstructionPointer = c._rip };
            c.Dispatch(ref exit);
        }

        if (d.Rep != 0 && (c._flags & Rflags.Df) == 0)
        {
            c.WriteBytes(c.Linear(SegmentIndex.Es, di & d.AddressMask), data);
            c.WriteAddressRegister(Gpr.Rdi, d.AddressSize, di + batch * (ulong)size);
            count -= batch;
            c.StoreRepCount(ref d, count);
            return c.FinishString(ref d, count);
        }

        for (int element = 0; element < (int)batch; element++)
        {
            ulong value = 0;
            for (int b = 0; b < size; b++)
                value |= (ulong)c._insBuffer[element * size + b] << (b << 3);
            long exits = c._exitCount;
            c.Write(c.Linear(SegmentIndex.Es, di & d.AddressMask), size, value);
            di += step;
            c.WriteAddressRegister(Gpr.Rdi, d.AddressSize, di);
            c.StoreRepCount(ref d, --count);
            // An element stored to MMIO is an exit, after which KVM has dropped the rest of what it read
            // ahead: the next element is read from the port again.
            if (c._exitCount != exits)
                break;
        }

        return c.FinishString(ref d, count);
    }
}
