using Iced.Intel;

namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>Code assembled by Iced for <paramref name="Bitness"/> (16, 32, 64) at guest-physical <paramref name="Address"/>.</summary>
internal sealed record CodeBlock(int Bitness, ulong Address, Action<Assembler> Emit);
