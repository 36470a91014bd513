using Vmm.Core.Hypervisor;

namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>What one backend did with one guest: how the run ended, every exit, the final registers and the low RAM.</summary>
internal sealed record GuestTrace(string Backend, VcpuRunResult Result, IReadOnlyList<RecordedExit> Exits, VcpuRegisters Registers, byte[] Ram);
