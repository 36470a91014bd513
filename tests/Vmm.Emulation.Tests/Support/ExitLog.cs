using Vmm.Sdk;

namespace Vmm.Emulation.Tests.Support;

/// <summary>A recording test pipeline: a responder decides each exit's data and outcome, and every exit is logged.</summary>
internal sealed class ExitLog
{
    public delegate void Responder(ref ExitContext exit);

    public List<RecordedExit> Exits { get; } = [];

    /// <summary>Stops the vCPU on HLT and resumes everything else: the usual end of a test program.</summary>
    public static void StopOnHalt(ref ExitContext exit)
    {
        if (exit.Kind == ExitKind.Halt)
            exit.Outcome = ExitOutcome.StopVcpu;
    }

    public ExitHandler Pipeline(Responder respond) => (ref ExitContext exit) =>
    {
        respond(ref exit);
        Exits.Add(new RecordedExit(exit.Kind, exit.VcpuId, exit.Address, exit.Size, exit.Count, exit.Data.ToArray(), exit.InstructionPointer));
    };

    public ExitHandler Pipeline() => Pipeline(StopOnHalt);

    public RecordedExit Single(ExitKind kind) => Assert.Single(Exits, e => e.Kind == kind);

    public List<RecordedExit> OfKind(ExitKind kind) => Exits.FindAll(e => e.Kind == kind);
}
