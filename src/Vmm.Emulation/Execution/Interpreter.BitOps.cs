using System.Numerics;

namespace Vmm.Emulation.Execution;

/// <summary>BT, BTS, BTR, BTC (Condition 0-3), BSF and BSR.</summary>
internal sealed unsafe partial class Interpreter
{
    private static ulong ApplyBitOperation(int operation, ulong value, int bit) => operation switch
    {
        1 => value | (1ul << bit),
        2 => value & ~(1ul << bit),
        3 => value ^ (1ul << bit),
        _ => value,
    };

    /// <summary>CF is the tested bit; ZF is kept; OF, SF, AF, PF (undefined) are left as they were.</summary>
    private void SetBitTestCarry(ulong bitValue) => SetFlags((Flags & ~Rflags.Cf) | (bitValue & 1));

    private static ExecStatus BitTestRegReg(Interpreter c, ref DecodedInstruction d) =>
        c.BitTestRegister(ref d, (int)c.ReadGpr(d.Reg1, d.OperandSize));

    private static ExecStatus BitTestRegImm(Interpreter c, ref DecodedInstruction d) =>
        c.BitTestRegister(ref d, (int)d.Immediate);

    private ExecStatus BitTestRegister(ref DecodedInstruction d, int offset)
    {
        int size = d.OperandSize;
        int bit = offset & ((size << 3) - 1);
        ulong value = ReadGpr(d.Reg0, size);
        SetBitTestCarry(value >> bit);
        if (d.Condition != 0)
            WriteGpr(d.Reg0, size, ApplyBitOperation(d.Condition, value, bit));
        return ExecStatus.Next;
    }

    /// <summary>With an immediate, the offset is taken modulo the operand size.</summary>
    private static ExecStatus BitTestMemImm(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        c.BitTestMemory(ref d, c.LinearAddress(ref d), (int)d.Immediate & ((size << 3) - 1));
        return ExecStatus.Next;
    }

    /// <summary>
    /// With a register offset into memory, the operand is a bit string: the signed offset selects the
    /// operand-sized word at EA + (offset >> log2(bits)) × size (Intel SDM Vol. 2A, BT).
    /// </summary>
    private static ExecStatus BitTestMemReg(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        long offset = SignExtend(c.ReadGpr(d.Reg1, size), size);
        int shift = BitOperations.Log2((uint)(size << 3));
        ulong effective = (c.EffectiveAddress(ref d) + (ulong)((offset >> shift) * size)) & d.AddressMask;
        c.BitTestMemory(ref d, c.Linear(d.Segment, effective), (int)(offset & ((size << 3) - 1)));
        return ExecStatus.Next;
    }

    private void BitTestMemory(ref DecodedInstruction d, ulong linear, int bit)
    {
        int size = d.OperandSize;
        ulong value = Read(linear, size);
        SetBitTestCarry(value >> bit);
        if (d.Condition != 0)
            Write(linear, size, ApplyBitOperation(d.Condition, value, bit));
    }

    private static ExecStatus BitScanRegReg(Interpreter c, ref DecodedInstruction d)
    {
        c.BitScan(ref d, c.ReadGpr(d.Reg1, d.OperandSize));
        return ExecStatus.Next;
    }

    private static ExecStatus BitScanRegMem(Interpreter c, ref DecodedInstruction d)
    {
        c.BitScan(ref d, c.Read(c.LinearAddress(ref d), d.OperandSize));
        return ExecStatus.Next;
    }

    /// <summary>
    /// BSF/BSR: for a zero source ZF is set and the destination left entirely unchanged (as AMD documents);
    /// otherwise the bit index. Of the undefined flags, the reference machine clears CF, AF, SF and OF and
    /// sets PF from the index (from 0 for a zero source), and so does this.
    /// </summary>
    private void BitScan(ref DecodedInstruction d, ulong source)
    {
        ulong flags = Flags & ~Rflags.Arithmetic;
        if (source == 0)
        {
            SetFlags(flags | Rflags.Zf | Parity(0));
            return;
        }

        int index = d.Condition == 0 ? BitOperations.TrailingZeroCount(source) : BitOperations.Log2(source);
        WriteGpr(d.Reg0, d.OperandSize, (ulong)index);
        SetFlags(flags | Parity((ulong)index));
    }
}
