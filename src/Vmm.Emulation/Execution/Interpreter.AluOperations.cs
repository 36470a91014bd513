namespace Vmm.Emulation.Execution;

/// <summary>
/// The eight ALU operations of the 00-3F opcode rows and TEST, as structs: the generic ALU handlers are
/// specialized per struct by the JIT, so each <c>add</c> form is straight-line code with no operation switch.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    private interface IAluOperation
    {
        /// <summary>False for CMP and TEST, which only set flags.</summary>
        static abstract bool WritesResult { get; }

        /// <summary>Computes the masked result and records the flags.</summary>
        static abstract ulong Execute(Interpreter cpu, ulong dst, ulong src, int size);
    }

    private readonly struct AddOperation : IAluOperation
    {
        public static bool WritesResult => true;

        public static ulong Execute(Interpreter cpu, ulong dst, ulong src, int size)
        {
            ulong result = (dst + src) & SizeMask(size);
            cpu.SetLazy(FlagOp.Add, dst, src, result, size);
            return result;
        }
    }

    private readonly struct AdcOperation : IAluOperation
    {
        public static bool WritesResult => true;

        public static ulong Execute(Interpreter cpu, ulong dst, ulong src, int size)
        {
            ulong carry = cpu.Carry();
            ulong result = (dst + src + carry) & SizeMask(size);
            cpu._lazyCarry = carry != 0;
            cpu.SetLazy(FlagOp.Adc, dst, src, result, size);
            return result;
        }
    }

    private readonly struct SubOperation : IAluOperation
    {
        public static bool WritesResult => true;

        public static ulong Execute(Interpreter cpu, ulong dst, ulong src, int size)
        {
            ulong result = (dst - src) & SizeMask(size);
            cpu.SetLazy(FlagOp.Sub, dst, src, result, size);
            return result;
        }
    }

    private readonly struct CmpOperation : IAluOperation
    {
        public static bool WritesResult => false;

        public static ulong Execute(Interpreter cpu, ulong dst, ulong src, int size) => SubOperation.Execute(cpu, dst, src, size);
    }

    private readonly struct SbbOperation : IAluOperation
    {
        public static bool WritesResult => true;

        public static ulong Execute(Interpreter cpu, ulong dst, ulong src, int size)
        {
            ulong carry = cpu.Carry();
            ulong result = (dst - src - carry) & SizeMask(size);
            cpu._lazyCarry = carry != 0;
            cpu.SetLazy(FlagOp.Sbb, dst, src, result, size);
            return result;
        }
    }

    private readonly struct AndOperation : IAluOperation
    {
        public static bool WritesResult => true;

        public static ulong Execute(Interpreter cpu, ulong dst, ulong src, int size)
        {
            ulong result = dst & src;
            cpu.SetLazy(FlagOp.Logic, dst, src, result, size);
            return result;
        }
    }

    private readonly struct TestOperation : IAluOperation
    {
        public static bool WritesResult => false;

        public static ulong Execute(Interpreter cpu, ulong dst, ulong src, int size) => AndOperation.Execute(cpu, dst, src, size);
    }

    private readonly struct OrOperation : IAluOperation
    {
        public static bool WritesResult => true;

        public static ulong Execute(Interpreter cpu, ulong dst, ulong src, int size)
        {
            ulong result = dst | src;
            cpu.SetLazy(FlagOp.Logic, dst, src, result, size);
            return result;
        }
    }

    private readonly struct XorOperation : IAluOperation
    {
        public static bool WritesResult => true;

        public static ulong Execute(Interpreter cpu, ulong dst, ulong src, int size)
        {
            ulong result = dst ^ src;
            cpu.SetLazy(FlagOp.Logic, dst, src, result, size);
            return result;
        }
    }
}
