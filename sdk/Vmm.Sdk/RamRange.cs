namespace Vmm.Sdk;

/// <summary>One range of guest RAM.</summary>
/// <param name="Address">Guest-physical address of its first byte.</param>
/// <param name="Size">Its length in bytes.</param>
public readonly record struct RamRange(ulong Address, ulong Size);
