using Vmm.Sdk;

namespace Vmm.Emulation.Execution;

/// <summary>IN and OUT: one exit each, Count 1, the port from DX or the immediate.</summary>
internal sealed unsafe partial class Interpreter
{
    private ushort Port(ref DecodedInstruction d) => d.OtherSize == 1 ? (ushort)Reg(Gpr.Rdx) : (ushort)d.Immediate;

    private static ExecStatus In(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(Gpr.Rax, d.OperandSize, c.PortIn(c.Port(ref d), d.OperandSize));
        return ExecStatus.Next;
    }

    private static ExecStatus Out(Interpreter c, ref DecodedInstruction d)
    {
        c.PortOut(c.Port(ref d), d.OperandSize, c.ReadGpr(Gpr.Rax, d.OperandSize));
        return ExecStatus.Next;
    }

    /// <summary>An IoIn exit; the pipeline fills the zeroed buffer and the value is what it wrote (little-endian).</summary>
    private ulong PortIn(ushort port, int size)
    {
        if (_chipset is not null && Chipset.PcChipset.ClaimsPort(port))
            return ChipsetIn(port, size);
        Span<byte> data = _exitBuffer.AsSpan(0, size);
        data.Clear();
        var exit = new ExitContext(ExitKind.IoIn, _id, port, size, 1, data) { InstructionPointer = _rip };
        Dispatch(ref exit);
        ulong value = 0;
        for (int i = 0; i < size; i++)
            value |= (ulong)_exitBuffer[i] << (i << 3);
        return value;
    }

    private void PortOut(ushort port, int size, ulong value)
    {
        if (_chipset is not null && Chipset.PcChipset.ClaimsPort(port))
        {
            ChipsetOut(port, size, value);
            return;
        }

        Span<byte> data = _exitBuffer.AsSpan(0, size);
        for (int i = 0; i < size; i++)
            data[i] = (byte)(value >> (i << 3));
        var exit = new ExitContext(ExitKind.IoOut, _id, port, size, 1, data) { InstructionPointer = _rip };
        Dispatch(ref exit);
    }
}
