using Vmm.Core.Hypervisor;

namespace Vmm.Sdk.Testing.Backend;

/// <summary>
/// The vCPU of a VM without a guest hypervisor: it keeps its registers for tests to read and write, and refuses
/// to run, saying why. Scripted accesses never run a vCPU; they push exits through the pipeline directly.
/// </summary>
internal sealed class ScriptedVcpu(int id, string whyNoGuest) : IVcpu
{
    private VcpuRegisters _registers;

    public int Id => id;

    public VcpuBootState? BootState { get; private set; }

    public void SetBootState(VcpuBootState state) => BootState = state;

    public VcpuRegisters GetRegisters() => _registers;

    public void SetRegisters(in VcpuRegisters registers) => _registers = registers;

    public VcpuRunResult Run(ExitHandler pipeline) =>
        new(VcpuStopReason.Fatal, $"vCPU {id} cannot run guest code: {whyNoGuest}");

    public void RequestStop() { }

    public string DescribeState() => $"scripted vCPU {id}: {_registers}";

    public void Dispose() { }
}
