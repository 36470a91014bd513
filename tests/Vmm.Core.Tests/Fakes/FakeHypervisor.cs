using System.Runtime.InteropServices;
using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;
using Vmm.Sdk;

namespace Vmm.Core.Tests.Fakes;

/// <summary>
/// A hypervisor with real (native, zeroed) RAM and vCPUs that halt at once, for testing what the builder
/// makes (devices, buses, pipeline) without KVM. Exits are pushed through <c>Vm.Pipeline</c> by the test.
/// </summary>
internal sealed class FakeHypervisor : IHypervisor
{
    public string Name => "fake";

    public int RecommendedVcpus => 2;

    public int MaxVcpus => 8;

    public FakeMachine? LastMachine { get; private set; }

    public IVirtualMachine CreateVirtualMachine() => LastMachine = new FakeMachine();

    internal sealed unsafe class FakeMachine : IVirtualMachine
    {
        private readonly List<nint> _blocks = [];

        public Dictionary<int, FakeInterruptLine> Lines { get; } = [];

        public bool Disposed { get; private set; }

        public int Resets { get; private set; }

        public void Reset() => Resets++;

        public GuestMemoryRegion AddRam(ulong guestAddress, ulong size)
        {
            var block = (nint)NativeMemory.AllocZeroed((nuint)size);
            _blocks.Add(block);
            return new GuestMemoryRegion(guestAddress, size, block);
        }

        public IVcpu CreateVcpu(int id) => new HaltingVcpu(id);

        /// <summary>Lines 0-23 exist, as on a PC's IOAPIC.</summary>
        public IInterruptLine GetInterruptLine(int gsi)
        {
            if (gsi >= 24)
                throw new ArgumentOutOfRangeException(nameof(gsi), gsi, $"interrupt {gsi} does not exist: the IOAPIC has pins 0-23");
            if (!Lines.TryGetValue(gsi, out var line))
                Lines[gsi] = line = new FakeInterruptLine(gsi);
            return line;
        }

        public void Dispose()
        {
            foreach (var block in _blocks)
                NativeMemory.Free((void*)block);
            _blocks.Clear();
            Disposed = true;
        }
    }

    internal sealed class FakeInterruptLine(int gsi) : IInterruptLine
    {
        public int Gsi => gsi;

        public bool IsRaised { get; private set; }

        public void Raise() => IsRaised = true;

        public void Lower() => IsRaised = false;

        public void Pulse() { }
    }

    private sealed class HaltingVcpu(int id) : IVcpu
    {
        public int Id => id;

        public VcpuBootState? BootState { get; private set; }

        public void SetBootState(VcpuBootState state) => BootState = state;

        public VcpuRegisters GetRegisters() => default;

        public void SetRegisters(in VcpuRegisters registers) { }

        public VcpuRunResult Run(ExitHandler pipeline) => new(VcpuStopReason.Halted);

        public void RequestStop() { }

        public string DescribeState() => "fake";

        public void Dispose() { }
    }
}
