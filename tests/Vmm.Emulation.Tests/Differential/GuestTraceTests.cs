using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Differential.Guests;
using Vmm.Emulation.Tests.Differential.Harness;
using Vmm.Sdk;

namespace Vmm.Emulation.Tests.Differential;

/// <summary>
/// Each differential guest on one backend alone: it must halt cleanly with a well-formed exit trace and
/// the facts its table row states. On KVM this validates the guests themselves.
/// </summary>
public abstract class GuestTraceTests
{
    public static TheoryData<string> Guests => [.. GuestCatalog.Names];

    private protected abstract GuestBackend Backend { get; }

    [Theory]
    [MemberData(nameof(Guests))]
    public void Guest_halts_cleanly_with_a_well_formed_exit_trace(string guest)
    {
        Backend.SkipUnlessAvailable();
        GuestProgram program = GuestCatalog.Get(guest);

        GuestTrace trace = GuestRunner.Run(Backend, program);

        Assert.True(trace.Result.Reason == VcpuStopReason.Halted, $"{guest} on {Backend}: ended {trace.Result.Reason} {trace.Result.Detail}");
        Assert.Equal(ExitKind.Halt, trace.Exits[^1].Kind);
        Assert.Contains(trace.Exits, e => e.Kind is ExitKind.IoOut or ExitKind.MmioWrite);
        Assert.All(trace.Exits.SkipLast(1), e => AssertWellFormed(e));
        Assert.Equal(0xF4, trace.Ram[(int)trace.Registers.Rip - 1]); // RIP is just past the HLT (all code has CS base 0)
        program.Check?.Invoke(trace);
    }

    private static void AssertWellFormed(RecordedExit exit)
    {
        switch (exit.Kind)
        {
            case ExitKind.IoIn or ExitKind.IoOut:
                Assert.Contains(exit.Size, new[] { 1, 2, 4 });
                Assert.InRange(exit.Address, 0ul, 0xFFFFul);
                break;
            case ExitKind.MmioRead or ExitKind.MmioWrite:
                Assert.Contains(exit.Size, new[] { 1, 2, 4, 8 });
                Assert.Equal(1, exit.Count);
                Assert.True(exit.Address >= GuestLayout.RamSize, $"MMIO exit inside RAM: {exit}");
                break;
            default:
                Assert.Fail($"unexpected exit before the HLT: {exit}");
                break;
        }

        Assert.True(exit.Count >= 1, $"count 0: {exit}");
        Assert.Equal(exit.Size * exit.Count, exit.Data.Length);
    }
}
