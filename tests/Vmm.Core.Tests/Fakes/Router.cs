using Microsoft.Extensions.Logging.Abstractions;
using Vmm.Core.Buses;
using Vmm.Core.Pipeline;
using Vmm.Sdk;

namespace Vmm.Core.Tests.Fakes;

/// <summary>A router over fresh buses, and helpers that push one exit through it.</summary>
internal sealed class Router
{
    public IoBus Io { get; } = new();
    public MmioBus Mmio { get; } = new();
    public UnclaimedAccessLog Unclaimed { get; } = new(NullLogger.Instance);
    public VmStopSignal Stop { get; } = new();
    public ExitRouter Terminal { get; }

    public Router() => Terminal = new ExitRouter(Io, Mmio, Unclaimed, Stop);

    public (byte[] Data, bool Handled, ExitOutcome Outcome) Run(ExitHandler handler, ExitKind kind, ulong address, int size, int count = 1, byte[]? data = null)
    {
        data ??= new byte[size * count];
        var exit = new ExitContext(kind, 0, address, size, count, data);
        handler(ref exit);
        return (data, exit.Handled, exit.Outcome);
    }

    public (byte[] Data, bool Handled, ExitOutcome Outcome) Run(ExitKind kind, ulong address, int size, int count = 1, byte[]? data = null) =>
        Run(Terminal.Handle, kind, address, size, count, data);
}
