namespace Vmm.Emulation.Execution;

/// <summary>
/// An exception the guest raised (#GP, #PF, #UD, #DE...), thrown out of the instruction that raised it and
/// delivered to the guest's handler by the run loop (see <c>Interpreter.Interrupts</c>). An exception object
/// per fault is fine: faults are rare, and a C# exception keeps the instruction handlers free of checks.
/// </summary>
internal sealed class GuestFault(int vector, uint? errorCode, string reason) : Exception(reason)
{
    public int Vector { get; } = vector;

    public uint? ErrorCode { get; } = errorCode;

    public string Describe() =>
        ErrorCode is { } code ? $"{ExceptionVector.Mnemonic(Vector)}(0x{code:x}) ({Message})" : $"{ExceptionVector.Mnemonic(Vector)} ({Message})";
}
