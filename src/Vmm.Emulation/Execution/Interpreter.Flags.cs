using System.Numerics;
using System.Runtime.CompilerServices;

namespace Vmm.Emulation.Execution;

/// <summary>
/// Lazy arithmetic flags, as Bochs and QEMU keep them: ADD, SUB, logic, INC, DEC and NEG record their
/// operands and result, and CF/PF/AF/ZF/SF/OF are computed only when read. Jcc on ZF or SF, and the
/// unsigned and signed comparisons after CMP/SUB, read the recorded values directly.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    private FlagOp _lazyOp;
    private int _lazySize;
    private ulong _lazyDst;
    private ulong _lazySrc;
    private ulong _lazyResult;
    private bool _lazyCarry;

    /// <summary>Records a flag-setting operation; all values are already masked to <paramref name="size"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetLazy(FlagOp op, ulong dst, ulong src, ulong result, int size)
    {
        _lazyOp = op;
        _lazyDst = dst;
        _lazySrc = src;
        _lazyResult = result;
        _lazySize = size;
    }

    /// <summary>The full RFLAGS value.</summary>
    private ulong Flags
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _lazyOp == FlagOp.None ? _flags : (_flags & ~Rflags.Arithmetic) | ArithmeticFlags();
    }

    /// <summary>Replaces RFLAGS (the caller keeps bit 1 set and reserved bits clear).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetFlags(ulong value)
    {
        _flags = value;
        _lazyOp = FlagOp.None;
    }

    /// <summary>Replaces the arithmetic flags only, leaving DF, IF and the others.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetArithmeticFlags(ulong arithmetic)
    {
        _flags = (_flags & ~Rflags.Arithmetic) | (arithmetic & Rflags.Arithmetic);
        _lazyOp = FlagOp.None;
    }

    /// <summary>CF as a 0/1 value, computed without the other flags.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Carry() => _lazyOp switch
    {
        FlagOp.None => _flags & Rflags.Cf,
        FlagOp.Add => _lazyResult < _lazyDst ? 1ul : 0,
        FlagOp.Sub => _lazyDst < _lazySrc ? 1ul : 0,
        _ => ArithmeticFlags() & Rflags.Cf,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Parity(ulong result) => (ulong)((BitOperations.PopCount((uint)result & 0xFF) & 1) ^ 1) << 2;

    /// <summary>PF, ZF and SF of a <paramref name="size"/>-byte result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ResultFlags(ulong result, int size) =>
        Parity(result) | (result == 0 ? Rflags.Zf : 0) | ((result >> ((size << 3) - 1)) & 1) << 7;

    /// <summary>CF, PF, AF, ZF, SF and OF of the recorded operation.</summary>
    private ulong ArithmeticFlags()
    {
        ulong dst = _lazyDst, src = _lazySrc, result = _lazyResult;
        ulong sign = SignBit(_lazySize);
        ulong flags = ResultFlags(result, _lazySize);
        switch (_lazyOp)
        {
            case FlagOp.Add:
                flags |= (result < dst ? Rflags.Cf : 0) | ((dst ^ src ^ result) & Rflags.Af)
                    | (((dst ^ result) & (src ^ result) & sign) != 0 ? Rflags.Of : 0);
                break;
            case FlagOp.Adc:
                flags |= ((_lazyCarry ? result <= dst : result < dst) ? Rflags.Cf : 0) | ((dst ^ src ^ result) & Rflags.Af)
                    | (((dst ^ result) & (src ^ result) & sign) != 0 ? Rflags.Of : 0);
                break;
            case FlagOp.Sub:
                flags |= (dst < src ? Rflags.Cf : 0) | ((dst ^ src ^ result) & Rflags.Af)
                    | (((dst ^ src) & (dst ^ result) & sign) != 0 ? Rflags.Of : 0);
                break;
            case FlagOp.Sbb:
                flags |= ((_lazyCarry ? dst <= src : dst < src) ? Rflags.Cf : 0) | ((dst ^ src ^ result) & Rflags.Af)
                    | (((dst ^ src) & (dst ^ result) & sign) != 0 ? Rflags.Of : 0);
                break;
            case FlagOp.Logic:
                break;
            case FlagOp.Inc:
                flags |= (_lazyCarry ? Rflags.Cf : 0) | ((dst ^ 1 ^ result) & Rflags.Af) | (result == sign ? Rflags.Of : 0);
                break;
            case FlagOp.Dec:
                flags |= (_lazyCarry ? Rflags.Cf : 0) | ((dst ^ 1 ^ result) & Rflags.Af) | (result == sign - 1 ? Rflags.Of : 0);
                break;
            case FlagOp.Neg:
                flags |= (result != 0 ? Rflags.Cf : 0) | ((src ^ result) & Rflags.Af) | (result == sign ? Rflags.Of : 0);
                break;
        }

        return flags;
    }

    /// <summary>
    /// Evaluates condition code <paramref name="cc"/> (the low nibble of Jcc/SETcc/CMOVcc: O, NO, B, AE, E,
    /// NE, BE, A, S, NS, P, NP, L, GE, LE, G).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Condition(int cc)
    {
        bool value;
        switch (cc >> 1)
        {
            case 2: // ZF
                value = _lazyOp != FlagOp.None ? _lazyResult == 0 : (_flags & Rflags.Zf) != 0;
                break;
            case 4: // SF
                value = _lazyOp != FlagOp.None ? ((_lazyResult >> ((_lazySize << 3) - 1)) & 1) != 0 : (_flags & Rflags.Sf) != 0;
                break;
            case 1: // CF
                value = _lazyOp == FlagOp.Sub ? _lazyDst < _lazySrc : (Flags & Rflags.Cf) != 0;
                break;
            case 3: // CF or ZF
                value = _lazyOp == FlagOp.Sub ? _lazyDst <= _lazySrc : (Flags & (Rflags.Cf | Rflags.Zf)) != 0;
                break;
            case 6: // SF != OF
                value = _lazyOp == FlagOp.Sub ? SignExtend(_lazyDst, _lazySize) < SignExtend(_lazySrc, _lazySize) : LessFromFlags(Flags);
                break;
            case 7: // ZF or SF != OF
                value = _lazyOp == FlagOp.Sub
                    ? SignExtend(_lazyDst, _lazySize) <= SignExtend(_lazySrc, _lazySize)
                    : (Flags & Rflags.Zf) != 0 || LessFromFlags(Flags);
                break;
            case 0: // OF
                value = (Flags & Rflags.Of) != 0;
                break;
            default: // PF
                value = (Flags & Rflags.Pf) != 0;
                break;
        }

        return value ^ ((cc & 1) != 0);
    }

    private static bool LessFromFlags(ulong flags) => ((flags & Rflags.Sf) != 0) != ((flags & Rflags.Of) != 0);
}
