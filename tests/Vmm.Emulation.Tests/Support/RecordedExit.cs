using Vmm.Sdk;

namespace Vmm.Emulation.Tests.Support;

/// <summary>An exit as the pipeline saw it, with its data copied.</summary>
internal sealed record RecordedExit(ExitKind Kind, int VcpuId, ulong Address, int Size, int Count, byte[] Data, ulong InstructionPointer);
