namespace Vmm.Sdk.Testing;

/// <summary>
/// One step of a <see cref="DeviceFuzzer"/> sequence: a port or MMIO access aimed at a device's ranges, a clock
/// advance, a write into guest RAM, or bytes for a device's console. Its <see cref="ToString"/> is the step as a
/// line of a scripted test (<c>vm.Out8(0x3fb, 0x80);</c>).
/// </summary>
public abstract record FuzzOperation
{
    private protected FuzzOperation() { }

    /// <summary>The step as a C# statement against a <see cref="TestVm"/> named <c>vm</c>.</summary>
    public abstract string ToCSharp();

    /// <inheritdoc />
    public sealed override string ToString() => ToCSharp();

    /// <summary>Does the step on <paramref name="vm"/>.</summary>
    internal abstract void Apply(TestVm vm);

    /// <summary>Simpler steps to try in its place when minimizing a failure, the simplest kinds first.</summary>
    internal virtual IEnumerable<FuzzOperation> Simpler() => [];

    /// <summary><paramref name="value"/> with one set bit cleared, for each set bit from the highest: toward the smallest value that still fails.</summary>
    private protected static IEnumerable<ulong> ClearedBits(ulong value)
    {
        for (var bit = 63; bit >= 0; bit--)
        {
            if ((value & (1UL << bit)) != 0)
                yield return value & ~(1UL << bit);
        }
    }

    private protected static string Hex(ulong value) => $"0x{value:x}";

    private protected static string Bytes(byte[] data) => "[" + string.Join(", ", data.Select(b => $"0x{b:x2}")) + "]";
}
