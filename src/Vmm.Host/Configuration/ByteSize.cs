using System.Globalization;
using Vmm.Core;

namespace Vmm.Host.Configuration;

/// <summary>Parses sizes written the way QEMU's <c>-m</c> takes them: <c>128M</c>, <c>1G</c>, <c>65536K</c>, or bytes.</summary>
public static class ByteSize
{
    public static ulong Parse(string text, string where)
    {
        var trimmed = text.Trim();
        ulong multiplier = 1;
        if (trimmed.Length > 0 && char.IsLetter(trimmed[^1]))
        {
            multiplier = char.ToUpperInvariant(trimmed[^1]) switch
            {
                'K' => 1UL << 10,
                'M' => 1UL << 20,
                'G' => 1UL << 30,
                _ => 0,
            };
            trimmed = trimmed[..^1];
        }
        if (multiplier == 0 || !ulong.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value == 0
            || value > ulong.MaxValue / multiplier)
            throw new ConfigurationException($"{where}: \"{text}\" is not a size; write it like 64M, 1G or 65536K");
        return value * multiplier;
    }
}
