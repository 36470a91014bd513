namespace Vmm.Emulation.Execution;

/// <summary>
/// The guest did something valid that this emulator does not implement (a call gate, a task switch, a
/// privilege change): the run stops with a fatal result that names it, rather than going on wrongly.
/// </summary>
internal sealed class EmulationLimit(string message) : Exception(message);
