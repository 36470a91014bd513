namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>Bytes the harness writes into guest RAM before the run.</summary>
internal sealed record GuestData(ulong Address, byte[] Bytes);
