using Vmm.Core.Hypervisor;
using Vmm.Emulation.Execution;
using Vmm.Emulation.Physical;
using Vmm.Sdk;

namespace Vmm.Emulation;

/// <summary>
/// An emulated vCPU. <see cref="Run"/> interprets guest code on the calling thread and passes every exit
/// through the pipeline, with the same kinds, ports, addresses, sizes, counts, data and order as the KVM
/// backend; <see cref="RequestStop"/> works from any thread.
/// </summary>
/// <remarks>
/// What the pipeline sees, and how <see cref="Run"/> ends, matches <c>KvmVcpu</c>:
/// <list type="bullet">
/// <item>IN, OUT, INS, OUTS: IoIn/IoOut exits (string I/O batched as KVM's emulator does, see
/// <c>Interpreter.Strings</c>). A non-Resume outcome completes the instruction and returns <see cref="VcpuStopReason.Requested"/>.</item>
/// <item>Any access to guest-physical memory outside RAM: an MmioRead/MmioWrite exit of the access size, after
/// which the same rule applies.</item>
/// <item>HLT: a Halt exit with RIP past the HLT; Resume goes on, anything else returns <see cref="VcpuStopReason.Halted"/>.
/// With the VM's <see cref="EmulatedVirtualMachine.Chipset"/> and IF=1, HLT waits for an interrupt instead (no exit).</item>
/// <item>Interrupts from the PIC (vCPU 0 only) go to the guest's IVT or IDT handler between instructions when IF=1.</item>
/// <item>A vCPU other than 0 with no boot state or registers set waits in <see cref="Run"/> until <see cref="RequestStop"/>.</item>
/// <item><see cref="RequestStop"/>: a Cancelled exit, then <see cref="VcpuStopReason.Requested"/>; a stop requested while
/// not running is kept for the next run.</item>
/// <item>A guest exception (#DE, #UD, #GP, #PF...) or INT n goes to the guest's handler through the IDT (or the
/// IVT in real mode), as on KVM. One the IDT cannot deliver, nor the #DF after it, is a triple fault: a
/// Shutdown exit, then <see cref="VcpuStopReason.Shutdown"/> with a detail naming the exception and the instruction.</item>
/// <item>An unsupported instruction, a real-mode exception whose IVT entry is empty (KVM would jump to 0000:0000),
/// or anything else the emulator cannot do (task gates, privilege changes): a Fatal exit, then
/// <see cref="VcpuStopReason.Fatal"/> with a message naming the instruction (Iced's disassembly) and CS:RIP, and a
/// register dump.</item>
/// </list>
/// </remarks>
public sealed class EmulatedVcpu : IVcpu
{
    private readonly Interpreter _cpu;
    private readonly PhysicalMemory _memory;
    private int _running;
    private int _disposed;

    private volatile bool _started;

    internal EmulatedVcpu(int id, PhysicalMemory memory, EmulatorOptions options, Chipset.PcChipset? chipset)
    {
        Id = id;
        _memory = memory;
        _cpu = new Interpreter(id, memory, options, chipset);
        // The boot CPU runs from the reset vector if nothing else is said; an AP waits to be given a start.
        _started = id == 0;
    }

    /// <summary>Interrupts this vCPU has taken from the PIC, over all runs.</summary>
    public long ExternalInterrupts => _cpu.ExternalInterrupts;

    /// <inheritdoc />
    public int Id { get; }

    /// <summary>Instructions this vCPU has completed, over all runs; readable from any thread.</summary>
    public long InstructionsRetired => _cpu.InstructionsRetired;

    /// <summary>The interpreter, for this assembly's tests and benchmarks.</summary>
    internal Interpreter Interpreter => _cpu;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The vCPU is running.</exception>
    public void SetBootState(VcpuBootState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var _ = EnterIdle();
        _cpu.SetBootState(state);
        _started = true;
    }

    /// <summary>The power-on state again (an AP waits to be started again); see <see cref="EmulatedVirtualMachine.Reset"/>.</summary>
    internal void PowerOn()
    {
        using var _ = EnterIdle();
        _cpu.PowerOn();
        _started = Id == 0;
    }

    /// <inheritdoc />
    public VcpuRegisters GetRegisters() => _cpu.GetRegisters();

    /// <inheritdoc />
    public void SetRegisters(in VcpuRegisters registers)
    {
        _cpu.SetRegisters(registers);
        _started = true;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Another thread is already running this vCPU.</exception>
    public VcpuRunResult Run(ExitHandler pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
            throw new InvalidOperationException($"vCPU {Id} is already running on another thread.");
        try
        {
            // The use keeps the RAM allocated even if the VM is disposed while the guest runs.
            if (!_memory.TryAcquire())
                throw new ObjectDisposedException(nameof(EmulatedVirtualMachine), $"vCPU {Id}'s VM has been disposed.");
            try
            {
                // An AP nobody started waits (as for a startup IPI, which needs a local APIC the emulator does not
                // have) until it is stopped, rather than run whatever is at the reset vector.
                return _started ? _cpu.Run(pipeline) : _cpu.RunParked(pipeline);
            }
            finally
            {
                _memory.Release();
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>
    /// Makes <see cref="Run"/> return <see cref="VcpuStopReason.Requested"/> soon (at the next block of guest
    /// code), from any thread. A stop requested while the vCPU is not running is kept: the next
    /// <see cref="Run"/> returns at once.
    /// </summary>
    public void RequestStop() => _cpu.RequestStop();

    /// <inheritdoc />
    public string DescribeState() => _cpu.DescribeState();

    /// <summary>Asks a running <see cref="Run"/> to stop; later calls to Run throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        RequestStop();
    }

    private IdleScope EnterIdle()
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
            throw new InvalidOperationException($"vCPU {Id} is running; set its boot state before Run or after it returns.");
        return new IdleScope(this);
    }

    private readonly struct IdleScope(EmulatedVcpu vcpu) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref vcpu._running, 0);
    }
}
