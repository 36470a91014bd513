namespace Vmm.Emulation.Execution;

/// <summary>
/// The operation whose operands and result the lazy flags hold: the flags are computed from them only when
/// something reads them (a Jcc, PUSHF, GetRegisters), which most arithmetic never needs.
/// </summary>
internal enum FlagOp : byte
{
    /// <summary>The arithmetic flags are in the flags word itself.</summary>
    None,
    Add,
    Adc,
    Sub,
    Sbb,
    /// <summary>AND, OR, XOR, TEST: CF and OF clear.</summary>
    Logic,
    /// <summary>INC: CF is the saved carry.</summary>
    Inc,
    /// <summary>DEC: CF is the saved carry.</summary>
    Dec,
    Neg,
}
