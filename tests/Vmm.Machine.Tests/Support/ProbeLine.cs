namespace Vmm.Machine.Tests.Support;

/// <summary>One <c>PASS name detail</c> or <c>FAIL name detail</c> line of a probe's report.</summary>
internal sealed record ProbeLine(bool Passed, string Name, string Detail);
