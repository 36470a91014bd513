namespace Vmm.Boot.Multiboot;

/// <summary>
/// <paramref name="FileSize"/> bytes from <paramref name="FileOffset"/> copied to guest-physical
/// <paramref name="Address"/>, and zeros up to <paramref name="MemorySize"/> (an ELF PT_LOAD segment, or the a.out
/// kludge's text+data and bss).
/// </summary>
internal readonly record struct LoadSegment(int FileOffset, uint FileSize, ulong Address, ulong MemorySize)
{
    public ulong End => Address + MemorySize;
}
