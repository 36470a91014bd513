namespace Vmm.Sdk.Testing;

/// <summary>
/// A <see cref="DeviceFuzzer"/> run found a sequence that makes a device throw, hang or write outside guest RAM.
/// The message gives the cause, the shrunk sequence as a ready-to-paste scripted test, and the seed that
/// reproduces the run.
/// </summary>
public sealed class DeviceFuzzException : Exception
{
    internal DeviceFuzzException(string message, IReadOnlyList<FuzzOperation> operations, string scriptedTest, string? seed, Exception? cause)
        : base(message, cause)
    {
        Operations = operations;
        ScriptedTest = scriptedTest;
        Seed = seed;
    }

    /// <summary>The shrunk sequence, up to and including the operation that failed.</summary>
    public IReadOnlyList<FuzzOperation> Operations { get; }

    /// <summary>The sequence as C#: a scripted test to paste, which fails until the device is fixed.</summary>
    public string ScriptedTest { get; }

    /// <summary>The CsCheck seed that reproduces the run (<c>Run(seed: ...)</c> or <c>VMM_FUZZ_SEED</c>); null if unknown.</summary>
    public string? Seed { get; }
}
