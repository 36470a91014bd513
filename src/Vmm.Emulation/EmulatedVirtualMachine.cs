using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;
using Vmm.Emulation.Chipset;
using Vmm.Emulation.Physical;
using Vmm.Sdk;

namespace Vmm.Emulation;

/// <summary>
/// An emulated VM: guest RAM in zeroed, page-aligned native memory, its vCPUs and its interrupt lines.
/// Disposing it stops the vCPUs; the RAM is freed once no vCPU is inside <see cref="EmulatedVcpu.Run"/>.
/// </summary>
public sealed class EmulatedVirtualMachine : IVirtualMachine
{
    private readonly EmulatorOptions _options;
    private readonly PhysicalMemory _memory = new();
    private readonly object _lock = new();
    private readonly Dictionary<int, EmulatedVcpu> _vcpus = [];
    private readonly Dictionary<int, EmulatedInterruptLine> _lines = [];
    private bool _disposed;

    internal EmulatedVirtualMachine(EmulatorOptions options, TimeProvider time)
    {
        _options = options;
        Chipset = options.LegacyChipset ? new PcChipset(time) : null;
    }

    /// <summary>
    /// The PC's legacy chips this VM models (8259A pair, 8254 PIT), or null when <see cref="EmulatorOptions.LegacyChipset"/>
    /// is off: their state, for tests, and their input for scripted ones.
    /// </summary>
    public PcChipset? Chipset { get; }

    /// <summary>The most vCPUs this VM may have; ids run from 0 to one less.</summary>
    public int MaxVcpus => _options.MaxVcpus;

    /// <summary>The RAM regions added so far, sorted by guest address.</summary>
    public IReadOnlyList<GuestMemoryRegion> MemoryRegions => _memory.Regions;

    /// <summary>Allocates <paramref name="size"/> bytes of zeroed, page-aligned host memory and maps it at <paramref name="guestAddress"/>.</summary>
    /// <exception cref="ArgumentException">Not page-aligned, empty, or overlapping other RAM.</exception>
    public GuestMemoryRegion AddRam(ulong guestAddress, ulong size)
    {
        lock (_lock)
            ObjectDisposedException.ThrowIf(_disposed, this);
        return _memory.Add(guestAddress, size);
    }

    /// <summary>Creates vCPU <paramref name="id"/>, in the reset state (real mode at F000:FFF0) until <see cref="EmulatedVcpu.SetBootState"/>.</summary>
    /// <exception cref="HypervisorException">The id is at or above <see cref="MaxVcpus"/>, or already used.</exception>
    public EmulatedVcpu CreateVcpu(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        if (id >= MaxVcpus)
            throw new HypervisorException($"vCPU id {id} is out of range: this emulator allows {MaxVcpus} vCPUs per VM, ids 0-{MaxVcpus - 1}.");
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_vcpus.ContainsKey(id))
                throw new HypervisorException($"vCPU {id} already exists in this VM.");
            var vcpu = new EmulatedVcpu(id, _memory, _options, Chipset);
            _vcpus.Add(id, vcpu);
            return vcpu;
        }
    }

    IVcpu IVirtualMachine.CreateVcpu(int id) => CreateVcpu(id);

    /// <summary>
    /// The line for <paramref name="gsi"/>, the same object on every call. GSI 0-15 drive the PIC's inputs (ISA IRQ n
    /// is PIC input n, as KVM routes them); higher GSIs, and every line without <see cref="Chipset"/>, only keep their
    /// level (there is no IOAPIC).
    /// </summary>
    public IInterruptLine GetInterruptLine(int gsi)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gsi);
        lock (_lock)
        {
            if (!_lines.TryGetValue(gsi, out EmulatedInterruptLine? line))
            {
                line = new EmulatedInterruptLine(gsi, gsi < 16 ? Chipset : null);
                _lines.Add(gsi, line);
            }

            return line;
        }
    }

    /// <summary>
    /// Every vCPU back to its power-on state (vCPU 0 at the reset vector, the others waiting until stopped, as nothing
    /// sends them a SIPI yet) and the PIC pair too (<see cref="PcChipset.Reset"/>); RAM is kept. Call it while no vCPU runs.
    /// </summary>
    public void Reset()
    {
        EmulatedVcpu[] vcpus;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            vcpus = [.. _vcpus.Values];
        }

        foreach (EmulatedVcpu vcpu in vcpus)
            vcpu.PowerOn();
        Chipset?.Reset();
    }

    /// <summary>Disposes the vCPUs (asking running ones to stop) and frees the RAM once no vCPU runs.</summary>
    public void Dispose()
    {
        EmulatedVcpu[] vcpus;
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
            vcpus = [.. _vcpus.Values];
        }

        foreach (EmulatedVcpu vcpu in vcpus)
            vcpu.Dispose();
        Chipset?.Dispose();
        _memory.Dispose();
    }
}
