using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;
using Vmm.Kvm.Native;
using Vmm.Sdk;

namespace Vmm.Kvm;

/// <summary>
/// A KVM VM: its guest RAM (anonymous host memory, one KVM memory slot per region), its vCPUs and
/// its interrupt lines. Stop and join the vCPU threads before disposing it.
/// </summary>
public sealed unsafe class KvmVirtualMachine : IVirtualMachine
{
    /// <summary>
    /// The one page KVM uses for its real-mode identity page table on Intel (KVM_SET_IDENTITY_MAP_ADDR,
    /// Documentation/virt/kvm/api.rst): 0xFFFBC000, KVM's own default (VMX_EPT_IDENTITY_PAGETABLE_ADDR),
    /// in the hole below the BIOS area at 0xFFFC0000. Neither RAM nor MMIO may be placed on it.
    /// </summary>
    public const ulong IdentityMapAddress = 0xFFFB_C000;

    /// <summary>
    /// The three pages KVM uses for the real-mode TSS on Intel (KVM_SET_TSS_ADDR in api.rst: "must be
    /// within the first 4GB ... must not conflict with any memory slot or any mmio address"): right after
    /// the identity map, ending at 0xFFFC0000 as in Firecracker's layout.
    /// </summary>
    public const ulong TssAddress = 0xFFFB_D000;

    /// <summary>The end of the pages reserved for KVM (<see cref="IdentityMapAddress"/> to here).</summary>
    public const ulong ReservedEnd = TssAddress + 3 * PageSize;

    private const ulong PageSize = 4096;

    private readonly KvmHypervisor _hypervisor;
    private readonly KvmFileDescriptor _vm;
    private readonly int _maxMemorySlots;
    private readonly object _lock = new();
    private readonly List<(GuestMemoryRegion Region, MemoryMapping Mapping)> _ram = [];
    private readonly Dictionary<int, KvmVcpu> _vcpus = [];
    private readonly Dictionary<int, KvmInterruptLine> _lines = [];
    private readonly KvmIrqchip[] _powerOnIrqchips = [];
    private KvmPitState2 _powerOnPit;
    private bool _disposed;

    internal KvmVirtualMachine(KvmHypervisor hypervisor, KvmFileDescriptor vm, bool inKernelIrqchip)
    {
        _hypervisor = hypervisor;
        _vm = vm;
        HasInKernelIrqchip = inKernelIrqchip;
        try
        {
            // The identity map must be set before any vCPU exists (api.rst, KVM_SET_IDENTITY_MAP_ADDR);
            // QEMU sets it before the TSS. Both only matter on Intel but are accepted everywhere.
            if (CheckExtension(KvmCapability.SetIdentityMapAddr) > 0)
            {
                ulong identityMap = IdentityMapAddress;
                KvmIoctl.Call(_vm, KvmIoctl.SetIdentityMapAddr, &identityMap, "KVM_SET_IDENTITY_MAP_ADDR");
            }

            if (CheckExtension(KvmCapability.SetTssAddr) > 0)
                KvmIoctl.Call(_vm, KvmIoctl.SetTssAddr, unchecked((nint)TssAddress), "KVM_SET_TSS_ADDR");

            int slots = CheckExtension(KvmCapability.NrMemslots);
            _maxMemorySlots = slots > 0 ? slots : 32;

            if (inKernelIrqchip)
                _powerOnIrqchips = CreateInterruptControllers();
        }
        catch
        {
            _vm.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True when the VM has KVM's PIC, IOAPIC, local APICs and PIT (<see cref="KvmHypervisor.InKernelIrqchip"/>):
    /// lines reach the guest, APs wait for INIT and SIPI, and HLT waits in the kernel for an interrupt.
    /// </summary>
    public bool HasInKernelIrqchip { get; }

    /// <summary>The most vCPUs this VM may have (KVM_CAP_MAX_VCPUS); ids run from 0 to one less.</summary>
    public int MaxVcpus => _hypervisor.MaxVcpus;

    /// <summary>The RAM regions added so far, in the order they were added (slot order).</summary>
    public IReadOnlyList<GuestMemoryRegion> MemoryRegions
    {
        get
        {
            lock (_lock)
                return _ram.ConvertAll(static r => r.Region);
        }
    }

    /// <summary>
    /// Maps <paramref name="size"/> bytes of zeroed anonymous host memory (pages committed on first touch)
    /// at <paramref name="guestAddress"/>, in the next free memory slot.
    /// </summary>
    /// <exception cref="ArgumentException">Not page-aligned, empty, or overlapping RAM or the KVM pages.</exception>
    /// <exception cref="KvmException">mmap or KVM_SET_USER_MEMORY_REGION failed.</exception>
    public GuestMemoryRegion AddRam(ulong guestAddress, ulong size)
    {
        if (guestAddress % PageSize != 0 || size % PageSize != 0)
            throw new ArgumentException($"guest RAM at 0x{guestAddress:x} size 0x{size:x} must be {PageSize}-byte aligned.");
        ArgumentOutOfRangeException.ThrowIfZero(size);
        if (guestAddress + size < guestAddress)
            throw new ArgumentException($"guest RAM at 0x{guestAddress:x} size 0x{size:x} wraps the address space.");
        if (Overlaps(guestAddress, size, IdentityMapAddress, ReservedEnd - IdentityMapAddress))
            throw new ArgumentException(
                $"guest RAM 0x{guestAddress:x}-0x{guestAddress + size - 1:x} overlaps the KVM TSS and identity map pages 0x{IdentityMapAddress:x}-0x{ReservedEnd - 1:x}.");

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var (existing, _) in _ram)
            {
                if (Overlaps(guestAddress, size, existing.GuestAddress, existing.Size))
                    throw new ArgumentException(
                        $"guest RAM 0x{guestAddress:x}-0x{guestAddress + size - 1:x} overlaps RAM 0x{existing.GuestAddress:x}-0x{existing.End - 1:x}.");
            }

            if (_ram.Count >= _maxMemorySlots)
                throw new HypervisorException($"this VM already uses all {_maxMemorySlots} KVM memory slots (KVM_CAP_NR_MEMSLOTS).");

            MemoryMapping mapping = MemoryMapping.MapAnonymous((nuint)size);
            try
            {
                var region = new KvmUserspaceMemoryRegion
                {
                    Slot = (uint)_ram.Count,
                    Flags = 0,
                    GuestPhysAddr = guestAddress,
                    MemorySize = size,
                    UserspaceAddr = (ulong)mapping.Address,
                };
                KvmIoctl.Call(_vm, KvmIoctl.SetUserMemoryRegion, &region, "KVM_SET_USER_MEMORY_REGION");
            }
            catch
            {
                mapping.Dispose();
                throw;
            }

            var guestRegion = new GuestMemoryRegion(guestAddress, size, mapping.Address);
            _ram.Add((guestRegion, mapping));
            return guestRegion;
        }
    }

    /// <summary>Creates vCPU <paramref name="id"/> with the hypervisor's filtered CPUID and its kvm_run page mapped.</summary>
    /// <exception cref="HypervisorException">The id is at or above <see cref="MaxVcpus"/>, or already used.</exception>
    public KvmVcpu CreateVcpu(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        if (id >= MaxVcpus)
            throw new HypervisorException(
                $"vCPU id {id} is out of range: this KVM allows {MaxVcpus} vCPUs per VM (KVM_CAP_MAX_VCPUS), ids 0-{MaxVcpus - 1}.");

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_vcpus.ContainsKey(id))
                throw new HypervisorException($"vCPU {id} already exists in this VM.");
            int fd = KvmIoctl.Call(_vm, KvmIoctl.CreateVcpu, id, "KVM_CREATE_VCPU");
            var vcpu = new KvmVcpu(id, KvmFileDescriptor.Own(fd), _hypervisor.VcpuMmapSize, _hypervisor.SupportedCpuid, HasInKernelIrqchip);
            _vcpus.Add(id, vcpu);
            return vcpu;
        }
    }

    IVcpu IVirtualMachine.CreateVcpu(int id) => CreateVcpu(id);

    /// <summary>
    /// The line for <paramref name="gsi"/>, the same object on every call. With the in-kernel irqchip its level
    /// changes are KVM_IRQ_LINE calls routed as on a PC (<see cref="PcGsiRouting"/>); without, it records its level only.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">With the irqchip: a GSI the IOAPIC has no pin for, or 2 (the PIC cascade).</exception>
    public IInterruptLine GetInterruptLine(int gsi)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gsi);
        if (HasInKernelIrqchip && gsi >= PcGsiRouting.GsiCount)
            throw new ArgumentOutOfRangeException(nameof(gsi), gsi, $"interrupt {gsi} does not exist: the IOAPIC has pins 0-{PcGsiRouting.GsiCount - 1}");
        if (HasInKernelIrqchip && gsi == PcGsiRouting.CascadeIrq)
            throw new ArgumentOutOfRangeException(nameof(gsi), gsi, "interrupt 2 is the PIC cascade and reaches no pin; use another (9 is the AT's replacement for 2)");
        lock (_lock)
        {
            if (!_lines.TryGetValue(gsi, out KvmInterruptLine? line))
            {
                line = new KvmInterruptLine(gsi, HasInKernelIrqchip ? _vm : null);
                _lines.Add(gsi, line);
            }

            return line;
        }
    }

    /// <summary>
    /// Puts the machine back in its power-on state, with every vCPU stopped: each vCPU's registers, FPU, pending
    /// events, local APIC and run state as KVM created them (vCPU 0 runnable at the reset vector, the others waiting
    /// for INIT and SIPI), and the PIC, IOAPIC and PIT as they were after creation. RAM and the other MSRs are kept,
    /// as on QEMU. Lines a device holds raised are asserted again, since their devices keep their state.
    /// </summary>
    public void Reset()
    {
        KvmVcpu[] vcpus;
        KvmInterruptLine[] lines;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            vcpus = [.. _vcpus.Values];
            lines = [.. _lines.Values];
        }

        foreach (KvmVcpu vcpu in vcpus)
            vcpu.ResetToPowerOn();
        if (!HasInKernelIrqchip)
            return;
        for (int i = 0; i < _powerOnIrqchips.Length; i++)
        {
            KvmIrqchip chip = _powerOnIrqchips[i];
            KvmIoctl.Call(_vm, KvmIoctl.SetIrqchip, &chip, "KVM_SET_IRQCHIP");
        }

        KvmPitState2 pit = _powerOnPit;
        KvmIoctl.Call(_vm, KvmIoctl.SetPit2, &pit, "KVM_SET_PIT2");
        foreach (KvmInterruptLine line in lines)
            line.Redeliver();
    }

    /// <summary>Disposes the vCPUs (asking each to stop), closes the VM and unmaps its RAM.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
        }

        foreach (KvmVcpu vcpu in _vcpus.Values)
            vcpu.Dispose();
        // Close the VM before unmapping: KVM drops the memory slots with the VM, so no slot outlives
        // the memory it points at (unless a vCPU is still running, which the caller must not allow).
        _vm.Dispose();
        foreach (var (_, mapping) in _ram)
            mapping.Dispose();
        _ram.Clear();
    }

    /// <summary>
    /// KVM_CREATE_IRQCHIP (PIC pair, IOAPIC, and a local APIC in every vCPU created after it), the PC's GSI routing,
    /// then KVM_CREATE_PIT2 with a dummy speaker: QEMU's and kvmtool's order, before any vCPU (api.rst). Returns the
    /// chips' power-on state, read back for <see cref="Reset"/>.
    /// </summary>
    private KvmIrqchip[] CreateInterruptControllers()
    {
        RequireExtension(KvmCapability.Irqchip, "KVM_CAP_IRQCHIP");
        RequireExtension(KvmCapability.IrqRouting, "KVM_CAP_IRQ_ROUTING");
        RequireExtension(KvmCapability.Pit2, "KVM_CAP_PIT2");
        KvmIoctl.Call(_vm, KvmIoctl.CreateIrqchip, 0, "KVM_CREATE_IRQCHIP");
        SetGsiRouting(PcGsiRouting.Build());
        var config = new KvmPitConfig { Flags = KvmPitConfig.SpeakerDummy };
        KvmIoctl.Call(_vm, KvmIoctl.CreatePit2, &config, "KVM_CREATE_PIT2");

        var chips = new KvmIrqchip[3];
        for (uint id = 0; id < chips.Length; id++)
        {
            var chip = new KvmIrqchip { ChipId = id };
            KvmIoctl.Call(_vm, KvmIoctl.GetIrqchip, &chip, "KVM_GET_IRQCHIP");
            chips[id] = chip;
        }

        KvmPitState2 pit;
        KvmIoctl.Call(_vm, KvmIoctl.GetPit2, &pit, "KVM_GET_PIT2");
        _powerOnPit = pit;
        return chips;
    }

    private void SetGsiRouting(ReadOnlySpan<KvmIrqRoutingEntry> entries)
    {
        nuint bytes = (nuint)(sizeof(KvmIrqRouting) + entries.Length * sizeof(KvmIrqRoutingEntry));
        var table = (KvmIrqRouting*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(bytes);
        try
        {
            table->Nr = (uint)entries.Length;
            entries.CopyTo(new Span<KvmIrqRoutingEntry>(table + 1, entries.Length));
            KvmIoctl.Call(_vm, KvmIoctl.SetGsiRouting, table, "KVM_SET_GSI_ROUTING");
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(table);
        }
    }

    private void RequireExtension(int capability, string name)
    {
        if (CheckExtension(capability) <= 0)
            throw new HypervisorException($"this KVM lacks {name}, which the in-kernel interrupt controllers need; set KvmHypervisor.InKernelIrqchip to false");
    }

    private int CheckExtension(int capability) =>
        KvmIoctl.Call(_vm, KvmIoctl.CheckExtension, capability, "KVM_CHECK_EXTENSION");

    private static bool Overlaps(ulong start, ulong size, ulong otherStart, ulong otherSize) =>
        start < otherStart + otherSize && otherStart < start + size;
}
