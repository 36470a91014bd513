using Vmm.Emulation.Tests.Differential.Guests;
using Vmm.Emulation.Tests.Differential.Harness;

namespace Vmm.Emulation.Tests.Differential;

/// <summary>
/// Each guest on a reference backend and a candidate: the same exits (kind, port or address, size, count,
/// data), the same final general registers and RIP, the same CF PF AF ZF SF OF DF (minus what the guest's
/// last flag-writing instruction leaves undefined) and the same low RAM.
/// </summary>
public abstract class DifferentialTests
{
    public static TheoryData<string> Guests => [.. GuestCatalog.Names];

    private protected abstract GuestBackend Reference { get; }

    private protected abstract GuestBackend Candidate { get; }

    [Theory]
    [MemberData(nameof(Guests))]
    public void Guest_runs_the_same_on_both_backends(string guest)
    {
        Reference.SkipUnlessAvailable();
        Candidate.SkipUnlessAvailable();
        GuestProgram program = GuestCatalog.Get(guest);

        GuestTrace expected = GuestRunner.Run(Reference, program);
        GuestTrace actual = GuestRunner.Run(Candidate, program);

        string? difference = TraceDiff.Describe(program, expected, actual);
        if (difference is not null)
            Assert.Fail(difference);
    }
}
