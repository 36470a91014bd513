using Vmm.Sdk;

namespace Vmm.Kvm.Tests.Guests;

/// <summary>A test pipeline: a responder that decides each exit's data and outcome, and a log of every exit.</summary>
internal sealed class ExitLog
{
    /// <summary>Decides data and outcome for one exit.</summary>
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
        Exits.Add(new RecordedExit(exit.Kind, exit.VcpuId, exit.Address, exit.Size, exit.Count, exit.Data.ToArray()));
    };

    public RecordedExit Single(ExitKind kind) => Assert.Single(Exits, e => e.Kind == kind);
}
