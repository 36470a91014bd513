namespace Vmm.Emulation;

/// <summary>What CPUID returns for one leaf and subleaf: EAX, EBX, ECX and EDX.</summary>
/// <param name="Eax">The value loaded into EAX.</param>
/// <param name="Ebx">The value loaded into EBX.</param>
/// <param name="Ecx">The value loaded into ECX.</param>
/// <param name="Edx">The value loaded into EDX.</param>
public readonly record struct CpuidResult(uint Eax, uint Ebx, uint Ecx, uint Edx)
{
    /// <summary>
    /// Packs 12 ASCII characters into three registers, four each, little-endian: the way vendor strings are
    /// returned (leaf 0 returns "Genu" "ineI" "ntel" in EBX, EDX, ECX).
    /// </summary>
    internal static (uint First, uint Second, uint Third) PackText(string text)
    {
        Span<byte> bytes = stackalloc byte[12];
        bytes.Clear();
        System.Text.Encoding.ASCII.GetBytes(text.AsSpan(0, Math.Min(text.Length, 12)), bytes);
        return (BitConverter.ToUInt32(bytes), BitConverter.ToUInt32(bytes[4..]), BitConverter.ToUInt32(bytes[8..]));
    }
}
