using System.Collections.Concurrent;
using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;

namespace Vmm.Sdk.Testing.Backend;

/// <summary>
/// Decorates the guest hypervisor's VM (or stands alone when there is none): RAM and vCPUs come from it, and
/// every interrupt line is a <see cref="RecordingInterruptLine"/> forwarding to its line. Standing alone, RAM is
/// the kit's own, with guard bytes on both sides that the fuzzer checks after every operation.
/// </summary>
internal sealed class TestVirtualMachine : IVirtualMachine
{
    private readonly IVirtualMachine? _inner;
    private readonly TimeProvider _clock;
    private readonly DateTimeOffset _start;
    private readonly ConcurrentDictionary<int, RecordingInterruptLine> _lines = new();
    private readonly List<GuardedRam> _ram = [];

    public TestVirtualMachine(IVirtualMachine? inner, string? whyNoGuest, TimeProvider clock, DateTimeOffset start)
    {
        _inner = inner;
        WhyNoGuest = whyNoGuest;
        _clock = clock;
        _start = start;
    }

    /// <summary>True when vCPUs run guest code (the inner VM exists).</summary>
    public bool RunsGuests => _inner is not null;

    /// <summary>Why vCPUs cannot run guest code; null when they can.</summary>
    public string? WhyNoGuest { get; }

    /// <summary>The kit's own RAM blocks (empty when the guest hypervisor provides RAM).</summary>
    public IReadOnlyList<GuardedRam> GuardedRam => _ram;

    public GuestMemoryRegion AddRam(ulong guestAddress, ulong size)
    {
        if (_inner is not null)
            return _inner.AddRam(guestAddress, size);
        var block = new GuardedRam(guestAddress, size);
        _ram.Add(block);
        return block.Region;
    }

    public IVcpu CreateVcpu(int id) =>
        _inner is null ? new ScriptedVcpu(id, WhyNoGuest!) : new TestVcpu(_inner.CreateVcpu(id));

    public IInterruptLine GetInterruptLine(int gsi) => Line(gsi);

    /// <summary>The recording line for <paramref name="gsi"/>, created on first use.</summary>
    public RecordingInterruptLine Line(int gsi)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gsi);
        return _lines.GetOrAdd(gsi, static (gsi, machine) =>
            new RecordingInterruptLine(gsi, machine._inner?.GetInterruptLine(gsi), machine._clock, machine._start), this);
    }

    public void Dispose()
    {
        _inner?.Dispose();
        foreach (var block in _ram)
            block.Dispose();
        _ram.Clear();
    }
}
