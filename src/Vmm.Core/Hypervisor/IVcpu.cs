using Vmm.Sdk;

namespace Vmm.Core.Hypervisor;

/// <summary>
/// One virtual CPU. <see cref="Run"/> is called on the vCPU's own thread; <see cref="RequestStop"/>
/// from any thread.
/// </summary>
public interface IVcpu : IDisposable
{
    /// <summary>The vCPU index, 0 for the boot CPU.</summary>
    int Id { get; }

    /// <summary>Puts the vCPU in <paramref name="state"/>'s mode with its registers (before the first <see cref="Run"/>).</summary>
    void SetBootState(VcpuBootState state);

    /// <summary>The general registers, RIP and RFLAGS.</summary>
    VcpuRegisters GetRegisters();

    /// <summary>Replaces the general registers, RIP and RFLAGS.</summary>
    void SetRegisters(in VcpuRegisters registers);

    /// <summary>
    /// Runs the guest, passing every exit through <paramref name="pipeline"/> and completing it, until an
    /// exit's <see cref="ExitContext.Outcome"/> is not <see cref="ExitOutcome.Resume"/> or
    /// <see cref="RequestStop"/> is called. A pending read is delivered to the guest before returning.
    /// </summary>
    VcpuRunResult Run(ExitHandler pipeline);

    /// <summary>Makes <see cref="Run"/> return soon, from any thread; harmless if it is not running.</summary>
    void RequestStop();

    /// <summary>A register dump for error messages (general, segment and control registers).</summary>
    string DescribeState();
}
