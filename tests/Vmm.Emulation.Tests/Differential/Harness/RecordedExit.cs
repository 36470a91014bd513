using Vmm.Sdk;

namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>One exit as the recording pipeline saw it, with its data copied after the device model answered.</summary>
internal sealed record RecordedExit(ExitKind Kind, ulong Address, int Size, int Count, byte[] Data)
{
    public bool SameAs(RecordedExit other) =>
        Kind == other.Kind && Address == other.Address && Size == other.Size && Count == other.Count && Data.AsSpan().SequenceEqual(other.Data);

    public override string ToString() => Kind switch
    {
        ExitKind.IoIn or ExitKind.IoOut => $"{Kind} port 0x{Address:x}{Describe()} size {Size} count {Count} [{Hex(Data)}]",
        ExitKind.MmioRead or ExitKind.MmioWrite => $"{Kind} 0x{Address:x} size {Size} count {Count} [{Hex(Data)}]",
        _ => Kind.ToString(),
    };

    private string Describe()
    {
        if (Kind != ExitKind.IoOut || Size != 4 || Address <= GuestLayout.ValuePortBase || Address > GuestLayout.FlagsPortBase + 0xFFFul)
            return "";
        bool flags = Address > GuestLayout.FlagsPortBase;
        ulong site = Address - (flags ? GuestLayout.FlagsPortBase : GuestLayout.ValuePortBase);
        return flags
            ? $" (flags report #{site}: {string.Join(" | ", Enumerable.Range(0, Count).Select(i => Flags.Describe(BitConverter.ToUInt32(Data, i * 4))))})"
            : $" (value report #{site})";
    }

    private static string Hex(byte[] data) => data.Length <= 32
        ? Convert.ToHexString(data).ToLowerInvariant()
        : $"{Convert.ToHexString(data, 0, 32).ToLowerInvariant()}... ({data.Length} bytes)";
}
