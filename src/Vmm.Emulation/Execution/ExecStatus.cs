namespace Vmm.Emulation.Execution;

/// <summary>What the run loop does after an instruction handler returns.</summary>
internal enum ExecStatus : byte
{
    /// <summary>Fall through to the next instruction of the block.</summary>
    Next,
    /// <summary>The handler set RIP (a branch, or an instruction that must end the block); look up the next block.</summary>
    Branch,
    /// <summary>The handler set RIP and the run's result: return it.</summary>
    Stop,
}
