using System.Runtime.InteropServices;
using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;

namespace Vmm.Sdk.Testing.Tests.Fakes;

/// <summary>
/// A guest hypervisor whose vCPU 0 "runs" by pushing planned exits through the pipeline on its own thread, as a
/// backend does, then halts (or spins until stopped). It tests RunGuest's plumbing without the emulator.
/// </summary>
internal sealed class FakeGuestHypervisor(params FakeGuestHypervisor.PlannedExit[] exits) : IHypervisor
{
    public sealed record PlannedExit(ExitKind Kind, ulong Address = 0, int Size = 0, byte[]? Data = null);

    /// <summary>After the planned exits: spin until asked to stop instead of halting.</summary>
    public bool SpinAtEnd { get; init; }

    /// <summary>Throw this from Run, as an emulator meeting an instruction it lacks might.</summary>
    public Exception? Throw { get; init; }

    public FakeVcpu? Vcpu0 { get; private set; }

    public string Name => "fake-guest";

    public int RecommendedVcpus => 4;

    public int MaxVcpus => 4;

    public IVirtualMachine CreateVirtualMachine() => new Machine(this);

    private sealed unsafe class Machine(FakeGuestHypervisor hypervisor) : IVirtualMachine
    {
        private readonly List<nint> _blocks = [];

        public GuestMemoryRegion AddRam(ulong guestAddress, ulong size)
        {
            var block = (nint)NativeMemory.AllocZeroed((nuint)size);
            _blocks.Add(block);
            return new GuestMemoryRegion(guestAddress, size, block);
        }

        public IVcpu CreateVcpu(int id)
        {
            var vcpu = new FakeVcpu(id, hypervisor);
            if (id == 0)
                hypervisor.Vcpu0 = vcpu;
            return vcpu;
        }

        public IInterruptLine GetInterruptLine(int gsi) => new NullLine(gsi);

        public void Reset() { }

        public void Dispose()
        {
            foreach (var block in _blocks)
                NativeMemory.Free((void*)block);
            _blocks.Clear();
        }
    }

    internal sealed class FakeVcpu(int id, FakeGuestHypervisor hypervisor) : IVcpu
    {
        private volatile bool _stop;
        private VcpuRegisters _registers;

        public int Id => id;

        public VcpuBootState? BootState { get; private set; }

        public int ExitsMade { get; private set; }

        public void SetBootState(VcpuBootState state)
        {
            BootState = state;
            _registers.Rip = state.EntryPoint;
            _registers.Rsp = state.StackPointer;
        }

        public VcpuRegisters GetRegisters() => _registers;

        public void SetRegisters(in VcpuRegisters registers) => _registers = registers;

        public VcpuRunResult Run(ExitHandler pipeline)
        {
            if (hypervisor.Throw is { } exception)
                throw exception;
            foreach (var planned in hypervisor.Exits)
            {
                var data = planned.Data is null ? new byte[planned.Size] : (byte[])planned.Data.Clone();
                var exit = new ExitContext(planned.Kind, id, planned.Address, planned.Size, 1, data);
                pipeline(ref exit);
                ExitsMade++;
                _registers.Rax = data.Length > 0 ? data[0] : _registers.Rax;
                if (exit.Outcome != ExitOutcome.Resume || _stop)
                    return new VcpuRunResult(VcpuStopReason.Requested);
            }
            while (hypervisor.SpinAtEnd && !_stop)
                Thread.Sleep(1);
            if (_stop)
                return new VcpuRunResult(VcpuStopReason.Requested);
            var halt = new ExitContext(ExitKind.Halt, id, 0, 0, 0, []);
            pipeline(ref halt);
            ExitsMade++;
            return new VcpuRunResult(VcpuStopReason.Halted);
        }

        public void RequestStop() => _stop = true;

        public string DescribeState() => $"fake vCPU {id}: {_registers}";

        public void Dispose() { }
    }

    private PlannedExit[] Exits => exits;

    private sealed class NullLine(int gsi) : IInterruptLine
    {
        public int Gsi => gsi;

        public bool IsRaised { get; private set; }

        public void Raise() => IsRaised = true;

        public void Lower() => IsRaised = false;

        public void Pulse() { }
    }
}
