namespace Vmm.Boot.Multiboot;

/// <summary>What a multiboot kernel asks to be loaded where, and its physical entry point.</summary>
internal sealed record KernelLayout(IReadOnlyList<LoadSegment> Segments, uint Entry);
