using System.Collections.Concurrent;
using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;
using Vmm.Emulation;
using Vmm.Emulation.Chipset;

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
    private readonly PcChipset? _ownChipset;

    public TestVirtualMachine(IVirtualMachine? inner, string? whyNoGuest, TimeProvider clock, DateTimeOffset start)
    {
        _inner = inner;
        WhyNoGuest = whyNoGuest;
        _clock = clock;
        _start = start;
        // Without a guest hypervisor the kit models the PC's PIC itself, so scripted tests still see what a
        // guest's interrupt controller would make of a device's line.
        if (inner is null)
            _ownChipset = new PcChipset(clock);
        // The PIT drives ISA IRQ 0 inside the chipset; its ticks go into GSI 0's log like any device's pulses.
        if (Chipset is { } chipset)
            chipset.TimerPulsed = () => Line(0).RecordPulse();
    }

    /// <summary>The PC chipset guest interrupts go through: the emulator's, or the kit's own for scripted-only VMs; null for other hypervisors.</summary>
    public PcChipset? Chipset => _inner is null ? _ownChipset : (_inner as EmulatedVirtualMachine)?.Chipset;

    /// <summary>Why there is no <see cref="Chipset"/>.</summary>
    public string WhyNoChipset => _inner is EmulatedVirtualMachine
        ? "the emulator was created with EmulatorOptions.LegacyChipset = false"
        : $"the guest hypervisor ({_inner?.GetType().Name}) models its interrupt controller itself";

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
            new RecordingInterruptLine(gsi, machine.BackendLine(gsi), machine._clock, machine._start), this);
    }

    private IInterruptLine? BackendLine(int gsi) =>
        _inner is not null ? _inner.GetInterruptLine(gsi)
        : _ownChipset is not null && gsi < 16 ? new ChipsetInterruptLine(gsi, _ownChipset)
        : null;

    /// <summary>Resets the guest hypervisor's machine, or the kit's own PIC pair when there is none.</summary>
    public void Reset()
    {
        if (_inner is not null)
            _inner.Reset();
        else
            _ownChipset?.Reset();
    }

    public void Dispose()
    {
        _ownChipset?.Dispose();
        _inner?.Dispose();
        foreach (var block in _ram)
            block.Dispose();
        _ram.Clear();
    }
}
