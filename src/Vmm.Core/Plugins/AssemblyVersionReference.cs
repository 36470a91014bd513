namespace Vmm.Core.Plugins;

/// <summary>An assembly name and version as recorded in metadata: a reference, or an assembly's own identity.</summary>
internal readonly record struct AssemblyVersionReference(string Name, Version Version);
