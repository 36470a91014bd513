using Vmm.Sdk;

namespace Vmm.Kvm.Tests.Guests;

/// <summary>One exit as the test pipeline saw it, with its data copied after the responder ran.</summary>
internal sealed record RecordedExit(ExitKind Kind, int VcpuId, ulong Address, int Size, int Count, byte[] Data);
