using System.Buffers.Binary;

namespace Vmm.Emulation.Execution;

/// <summary>MOV and the other data movement instructions.</summary>
internal sealed unsafe partial class Interpreter
{
    private static ExecStatus Nop(Interpreter c, ref DecodedInstruction d) => ExecStatus.Next;

    private static ExecStatus MovRegReg(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, c.ReadGpr(d.Reg1, d.OperandSize));
        return ExecStatus.Next;
    }

    private static ExecStatus MovRegMem(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, c.Read(c.LinearAddress(ref d), d.OperandSize));
        return ExecStatus.Next;
    }

    private static ExecStatus MovMemReg(Interpreter c, ref DecodedInstruction d)
    {
        c.Write(c.LinearAddress(ref d), d.OperandSize, c.ReadGpr(d.Reg1, d.OperandSize));
        return ExecStatus.Next;
    }

    private static ExecStatus MovRegImm(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, d.Immediate);
        return ExecStatus.Next;
    }

    private static ExecStatus MovMemImm(Interpreter c, ref DecodedInstruction d)
    {
        c.Write(c.LinearAddress(ref d), d.OperandSize, d.Immediate);
        return ExecStatus.Next;
    }

    private static ExecStatus MovzxRegReg(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, c.ReadGpr(d.Reg1, d.OtherSize));
        return ExecStatus.Next;
    }

    private static ExecStatus MovzxRegMem(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, c.Read(c.LinearAddress(ref d), d.OtherSize));
        return ExecStatus.Next;
    }

    private static ExecStatus MovsxRegReg(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, (ulong)SignExtend(c.ReadGpr(d.Reg1, d.OtherSize), d.OtherSize));
        return ExecStatus.Next;
    }

    private static ExecStatus MovsxRegMem(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, (ulong)SignExtend(c.Read(c.LinearAddress(ref d), d.OtherSize), d.OtherSize));
        return ExecStatus.Next;
    }

    private static ExecStatus Lea(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, c.EffectiveAddress(ref d));
        return ExecStatus.Next;
    }

    private static ExecStatus XchgRegReg(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong first = c.ReadGpr(d.Reg0, size);
        ulong second = c.ReadGpr(d.Reg1, size);
        c.WriteGpr(d.Reg0, size, second);
        c.WriteGpr(d.Reg1, size, first);
        return ExecStatus.Next;
    }

    private static ExecStatus XchgRegMem(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong linear = c.LinearAddress(ref d);
        ulong memory = c.Read(linear, size);
        c.Write(linear, size, c.ReadGpr(d.Reg0, size));
        c.WriteGpr(d.Reg0, size, memory);
        return ExecStatus.Next;
    }

    private static ExecStatus XchgMemReg(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong linear = c.LinearAddress(ref d);
        ulong memory = c.Read(linear, size);
        c.Write(linear, size, c.ReadGpr(d.Reg1, size));
        c.WriteGpr(d.Reg1, size, memory);
        return ExecStatus.Next;
    }

    /// <summary>
    /// CMPXCHG: flags as CMP accumulator, destination. A memory destination is always written (the old value
    /// back on failure), as the processor does and KVM's emulator (em_cmpxchg) does on MMIO.
    /// </summary>
    private static ExecStatus CmpxchgRegReg(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong accumulator = c.ReadGpr(Gpr.Rax, size);
        ulong destination = c.ReadGpr(d.Reg0, size);
        SubOperation.Execute(c, accumulator, destination, size);
        if (accumulator == destination)
        {
            c.WriteGpr(d.Reg0, size, c.ReadGpr(d.Reg1, size));
        }
        else
        {
            // The destination is written back even on failure, so a 32-bit one is zero-extended.
            c.WriteGpr(Gpr.Rax, size, destination);
            c.WriteGpr(d.Reg0, size, destination);
        }

        return ExecStatus.Next;
    }

    private static ExecStatus CmpxchgMemReg(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong linear = c.LinearAddress(ref d);
        ulong accumulator = c.ReadGpr(Gpr.Rax, size);
        ulong destination = c.Read(linear, size);
        SubOperation.Execute(c, accumulator, destination, size);
        if (accumulator == destination)
        {
            c.Write(linear, size, c.ReadGpr(d.Reg1, size));
        }
        else
        {
            c.Write(linear, size, destination);
            c.WriteGpr(Gpr.Rax, size, destination);
        }

        return ExecStatus.Next;
    }

    private static ExecStatus Cmpxchg8b(Interpreter c, ref DecodedInstruction d)
    {
        ulong linear = c.LinearAddress(ref d);
        ulong memory = c.Read(linear, 8);
        ulong expected = (c.Reg(Gpr.Rdx) << 32) | (uint)c.Reg(Gpr.Rax);
        ulong flags = c.Flags;
        if (memory == expected)
        {
            c.Write(linear, 8, (c.Reg(Gpr.Rcx) << 32) | (uint)c.Reg(Gpr.Rbx));
            c.SetFlags(flags | Rflags.Zf);
        }
        else
        {
            c.Write(linear, 8, memory);
            c.Reg(Gpr.Rax) = (uint)memory;
            c.Reg(Gpr.Rdx) = memory >> 32;
            c.SetFlags(flags & ~Rflags.Zf);
        }

        return ExecStatus.Next;
    }

    private static ExecStatus XaddRegReg(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong destination = c.ReadGpr(d.Reg0, size);
        ulong sum = AddOperation.Execute(c, destination, c.ReadGpr(d.Reg1, size), size);
        c.WriteGpr(d.Reg1, size, destination);
        c.WriteGpr(d.Reg0, size, sum);
        return ExecStatus.Next;
    }

    private static ExecStatus XaddMemReg(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong linear = c.LinearAddress(ref d);
        ulong destination = c.Read(linear, size);
        ulong sum = AddOperation.Execute(c, destination, c.ReadGpr(d.Reg1, size), size);
        c.Write(linear, size, sum);
        c.WriteGpr(d.Reg1, size, destination);
        return ExecStatus.Next;
    }

    /// <summary>BSWAP; with a 16-bit operand (undefined) the reference machine zeroes the register's low word.</summary>
    private static ExecStatus Bswap(Interpreter c, ref DecodedInstruction d)
    {
        if (d.OperandSize == 2)
            c.WriteGpr(d.Reg0, 2, 0);
        else if (d.OperandSize == 8)
            c.Reg(d.Reg0) = BinaryPrimitives.ReverseEndianness(c.Reg(d.Reg0));
        else
            c.Reg(d.Reg0) = BinaryPrimitives.ReverseEndianness((uint)c.Reg(d.Reg0));
        return ExecStatus.Next;
    }

    /// <summary>CBW, CWDE, CDQE: the accumulator's lower half sign-extended into all of it.</summary>
    private static ExecStatus SignExtendAccumulator(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        c.WriteGpr(Gpr.Rax, size, (ulong)SignExtend(c.ReadGpr(Gpr.Rax, size / 2), size / 2));
        return ExecStatus.Next;
    }

    /// <summary>CWD, CDQ, CQO: the accumulator's sign copied through DX, EDX or RDX.</summary>
    private static ExecStatus SignExtendIntoDx(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        bool negative = (c.ReadGpr(Gpr.Rax, size) & SignBit(size)) != 0;
        c.WriteGpr(Gpr.Rdx, size, negative ? ulong.MaxValue : 0);
        return ExecStatus.Next;
    }

    /// <summary>LAHF: SF, ZF, AF, PF, CF and the reserved bit 1 into AH.</summary>
    private static ExecStatus Lahf(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(Gpr.HighByte + Gpr.Rax, 1, (c.Flags & 0xD5) | Rflags.Reserved1);
        return ExecStatus.Next;
    }

    private static ExecStatus Sahf(Interpreter c, ref DecodedInstruction d)
    {
        ulong ah = c.ReadGpr(Gpr.HighByte + Gpr.Rax, 1);
        c.SetFlags((c.Flags & ~0xD5ul) | (ah & 0xD5));
        return ExecStatus.Next;
    }

    private static ExecStatus Xlat(Interpreter c, ref DecodedInstruction d)
    {
        ulong offset = (c.Reg(Gpr.Rbx) + (byte)c.Reg(Gpr.Rax)) & d.AddressMask;
        c.WriteGpr(Gpr.Rax, 1, c.Read(c.Linear(d.Segment, offset), 1));
        return ExecStatus.Next;
    }

    private static ExecStatus SetccReg(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, 1, c.Condition(d.Condition) ? 1u : 0u);
        return ExecStatus.Next;
    }

    private static ExecStatus SetccMem(Interpreter c, ref DecodedInstruction d)
    {
        c.Write(c.LinearAddress(ref d), 1, c.Condition(d.Condition) ? 1u : 0u);
        return ExecStatus.Next;
    }

    /// <summary>CMOVcc: a 32-bit destination is zero-extended even when the condition is false (Intel SDM Vol. 1 3.4.1.1).</summary>
    private static ExecStatus CmovRegReg(Interpreter c, ref DecodedInstruction d)
    {
        ulong value = c.Condition(d.Condition) ? c.ReadGpr(d.Reg1, d.OperandSize) : c.ReadGpr(d.Reg0, d.OperandSize);
        c.WriteGpr(d.Reg0, d.OperandSize, value);
        return ExecStatus.Next;
    }

    private static ExecStatus CmovRegMem(Interpreter c, ref DecodedInstruction d)
    {
        ulong source = c.Read(c.LinearAddress(ref d), d.OperandSize);
        c.WriteGpr(d.Reg0, d.OperandSize, c.Condition(d.Condition) ? source : c.ReadGpr(d.Reg0, d.OperandSize));
        return ExecStatus.Next;
    }

    private static ExecStatus MovSegmentReg(Interpreter c, ref DecodedInstruction d)
    {
        c.LoadSegment(d.Reg0, (ushort)c.ReadGpr(d.Reg1, 2));
        c.ShadowIfStackSegment(d.Reg0);
        return ExecStatus.Next;
    }

    private static ExecStatus MovSegmentMem(Interpreter c, ref DecodedInstruction d)
    {
        c.LoadSegment(d.Reg0, (ushort)c.Read(c.LinearAddress(ref d), 2));
        c.ShadowIfStackSegment(d.Reg0);
        return ExecStatus.Next;
    }

    /// <summary>MOV r, Sreg: the selector, zero-extended to a 32- or 64-bit register.</summary>
    private static ExecStatus MovRegSegment(Interpreter c, ref DecodedInstruction d)
    {
        c.WriteGpr(d.Reg0, d.OperandSize, c.Segment(d.Reg1).Selector);
        return ExecStatus.Next;
    }

    private static ExecStatus MovMemSegment(Interpreter c, ref DecodedInstruction d)
    {
        c.Write(c.LinearAddress(ref d), 2, c.Segment(d.Reg1).Selector);
        return ExecStatus.Next;
    }

    /// <summary>LDS, LES, LFS, LGS, LSS: offset then selector from memory.</summary>
    private static ExecStatus LoadFarPointer(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong linear = c.LinearAddress(ref d);
        ulong offset = c.Read(linear, size);
        ushort selector = (ushort)c.Read((linear + (ulong)size) & c._linearMask, 2);
        c.LoadSegment(d.Condition, selector);
        c.WriteGpr(d.Reg0, size, offset);
        return ExecStatus.Next;
    }
}
