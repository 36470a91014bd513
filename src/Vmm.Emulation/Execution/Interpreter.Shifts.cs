namespace Vmm.Emulation.Execution;

/// <summary>
/// Shifts and rotates (Intel SDM Vol. 2B SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD, SHRD). The count is masked
/// to 5 bits (6 for 64-bit operands); a masked count of 0 changes nothing, flags included. Flags are computed
/// eagerly. Where Intel leaves a flag undefined, the value is what this project's reference machine (KVM on
/// AMD EPYC) produces; see the remarks on each helper.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    private enum ShiftOperation : byte
    {
        Rol = 0,
        Ror = 1,
        Rcl = 2,
        Rcr = 3,
        Shl = 4,
        Shr = 5,
        Sar = 7,
    }

    private int ShiftCount(ref DecodedInstruction d, int size)
    {
        ulong count = d.OtherSize == 1 ? (byte)Reg(Gpr.Rcx) : d.Immediate;
        return (int)count & (size == 8 ? 0x3F : 0x1F);
    }

    private static ExecStatus ShiftReg(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        int count = c.ShiftCount(ref d, size);
        ulong value = c.ReadGpr(d.Reg0, size);
        // A 32-bit destination is written (so zero-extended) even for a count of 0, as on the reference machine.
        c.WriteGpr(d.Reg0, size, count != 0 ? c.Shift((ShiftOperation)d.Condition, value, count, size) : value);
        return ExecStatus.Next;
    }

    private static ExecStatus ShiftMem(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong linear = c.LinearAddress(ref d);
        ulong value = c.Read(linear, size);
        int count = c.ShiftCount(ref d, size);
        if (count != 0)
            c.Write(linear, size, c.Shift((ShiftOperation)d.Condition, value, count, size));
        return ExecStatus.Next;
    }

    /// <summary>Shifts or rotates <paramref name="value"/> by a non-zero masked <paramref name="count"/> and sets the flags.</summary>
    private ulong Shift(ShiftOperation operation, ulong value, int count, int size)
    {
        int bits = size << 3;
        ulong mask = SizeMask(size);
        ulong flags = Flags;
        ulong result;
        ulong carry;
        switch (operation)
        {
            case ShiftOperation.Rol:
            {
                int n = count % bits;
                result = n == 0 ? value : ((value << n) | (value >> (bits - n))) & mask;
                carry = result & 1;
                ulong overflow = ((result >> (bits - 1)) ^ carry) & 1;
                return SetRotateFlags(flags, result, carry, overflow);
            }

            case ShiftOperation.Ror:
            {
                int n = count % bits;
                result = n == 0 ? value : ((value >> n) | (value << (bits - n))) & mask;
                carry = (result >> (bits - 1)) & 1;
                ulong overflow = ((result >> (bits - 1)) ^ (result >> (bits - 2))) & 1;
                return SetRotateFlags(flags, result, carry, overflow);
            }

            case ShiftOperation.Rcl:
            {
                int n = size < 4 ? count % (bits + 1) : count;
                result = value;
                carry = flags & Rflags.Cf;
                for (int i = 0; i < n; i++)
                {
                    ulong outBit = (result >> (bits - 1)) & 1;
                    result = ((result << 1) | carry) & mask;
                    carry = outBit;
                }

                ulong overflow = ((result >> (bits - 1)) ^ carry) & 1;
                return SetRotateFlags(flags, result, carry, overflow);
            }

            case ShiftOperation.Rcr:
            {
                int n = size < 4 ? count % (bits + 1) : count;
                result = value;
                carry = flags & Rflags.Cf;
                for (int i = 0; i < n; i++)
                {
                    ulong outBit = result & 1;
                    result = (result >> 1) | (carry << (bits - 1));
                    carry = outBit;
                }

                ulong overflow = ((result >> (bits - 1)) ^ (result >> (bits - 2))) & 1;
                return SetRotateFlags(flags, result, carry, overflow);
            }

            case ShiftOperation.Shl:
            {
                result = count < bits ? (value << count) & mask : 0;
                carry = count <= bits ? (value >> (bits - count)) & 1 : 0;
                ulong overflow = ((result >> (bits - 1)) ^ carry) & 1;
                SetShiftFlags(flags, result, size, carry, overflow);
                return result;
            }

            case ShiftOperation.Shr:
            {
                result = count < bits ? value >> count : 0;
                ulong intermediate = count <= bits ? value >> (count - 1) : 0;
                carry = intermediate & 1;
                // OF: the sign change of the last one-bit step (Intel defines it for a count of 1 only).
                ulong overflow = ((intermediate ^ result) >> (bits - 1)) & 1;
                SetShiftFlags(flags, result, size, carry, overflow);
                return result;
            }

            default:
            {
                long signed = SignExtend(value, size);
                result = (ulong)(signed >> Math.Min(count, 63)) & mask;
                carry = (ulong)(signed >> Math.Min(count - 1, 63)) & 1;
                SetShiftFlags(flags, result, size, carry, 0);
                return result;
            }
        }
    }

    /// <summary>Rotates change only CF and OF.</summary>
    private ulong SetRotateFlags(ulong flags, ulong result, ulong carry, ulong overflow)
    {
        SetFlags((flags & ~(Rflags.Cf | Rflags.Of)) | carry | (overflow << 11));
        return result;
    }

    /// <summary>Shifts set CF, OF, SF, ZF, PF, and AF (undefined) to 1 as the reference machine does.</summary>
    private void SetShiftFlags(ulong flags, ulong result, int size, ulong carry, ulong overflow) =>
        SetFlags((flags & ~Rflags.Arithmetic) | ResultFlags(result, size) | carry | (overflow << 11) | Rflags.Af);

    private static ExecStatus DoubleShiftReg(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        int count = c.ShiftCount(ref d, size);
        ulong value = c.ReadGpr(d.Reg0, size);
        c.WriteGpr(d.Reg0, size, count != 0 ? c.DoubleShift(d.Condition != 0, value, c.ReadGpr(d.Reg1, size), count, size) : value);
        return ExecStatus.Next;
    }

    private static ExecStatus DoubleShiftMem(Interpreter c, ref DecodedInstruction d)
    {
        int size = d.OperandSize;
        ulong linear = c.LinearAddress(ref d);
        ulong value = c.Read(linear, size);
        int count = c.ShiftCount(ref d, size);
        if (count != 0)
            c.Write(linear, size, c.DoubleShift(d.Condition != 0, value, c.ReadGpr(d.Reg1, size), count, size));
        return ExecStatus.Next;
    }

    /// <summary>
    /// SHLD/SHRD: <paramref name="destination"/> shifted with bits from <paramref name="source"/> coming in.
    /// CF is the last bit shifted out and OF the sign change of the last one-bit step (both as the reference
    /// machine computes them for any count). A 16-bit count above 16 (undefined) shifts through the 48 bits
    /// destination:source:source (SHLD) or source:source:destination (SHRD), as the reference machine does.
    /// </summary>
    private ulong DoubleShift(bool left, ulong destination, ulong source, int count, int size)
    {
        int bits = size << 3;
        ulong mask = SizeMask(size);
        int width = size == 2 ? 48 : 2 * bits;
        ulong result, intermediate, carry;
        if (left)
        {
            UInt128 combined = size == 2
                ? ((UInt128)destination << 32) | ((UInt128)source << 16) | source
                : ((UInt128)destination << bits) | source;
            result = (ulong)((combined << count) >> (width - bits)) & mask;
            intermediate = (ulong)((combined << (count - 1)) >> (width - bits)) & mask;
            carry = (intermediate >> (bits - 1)) & 1;
        }
        else
        {
            UInt128 combined = size == 2
                ? ((UInt128)source << 32) | ((UInt128)source << 16) | destination
                : ((UInt128)source << bits) | destination;
            result = (ulong)(combined >> count) & mask;
            intermediate = (ulong)(combined >> (count - 1)) & mask;
            carry = intermediate & 1;
        }

        ulong overflow = ((result ^ intermediate) >> (bits - 1)) & 1;
        // 16-bit counts of 16 and more (undefined), as the reference machine does them: SHLD by 16 sets OF to
        // CF; above 16, CF is clear, and OF too after SHLD.
        if (left && count == bits)
            overflow = carry;
        if (count > bits)
        {
            carry = 0;
            if (left)
                overflow = 0;
        }

        SetShiftFlags(Flags, result, size, carry, overflow);
        return result;
    }
}
