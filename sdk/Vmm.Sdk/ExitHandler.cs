namespace Vmm.Sdk;

/// <summary>A stage of the exit pipeline: handles an exit or passes it to the next stage.</summary>
/// <param name="exit">The exit being handled, by reference so that stages see each other's changes.</param>
public delegate void ExitHandler(ref ExitContext exit);
