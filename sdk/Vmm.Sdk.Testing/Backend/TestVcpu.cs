using Vmm.Core.Hypervisor;

namespace Vmm.Sdk.Testing.Backend;

/// <summary>
/// A guest hypervisor's vCPU with one addition: an exception escaping its run loop (an instruction the emulator
/// does not implement, say) becomes a <see cref="VcpuStopReason.Fatal"/> result naming it, instead of an
/// unhandled exception on the vCPU thread that would end the test process.
/// </summary>
internal sealed class TestVcpu(IVcpu inner) : IVcpu
{
    public int Id => inner.Id;

    /// <summary>The exception the last run ended with, if it ended with one.</summary>
    public Exception? RunException { get; private set; }

    public void SetBootState(VcpuBootState state) => inner.SetBootState(state);

    public VcpuRegisters GetRegisters() => inner.GetRegisters();

    public void SetRegisters(in VcpuRegisters registers) => inner.SetRegisters(registers);

    public VcpuRunResult Run(ExitHandler pipeline)
    {
        RunException = null;
        try
        {
            return inner.Run(pipeline);
        }
        catch (Exception ex)
        {
            RunException = ex;
            string state;
            try
            {
                state = inner.DescribeState();
            }
            catch (Exception)
            {
                state = "(registers unavailable)";
            }
            return new VcpuRunResult(VcpuStopReason.Fatal, $"vCPU {Id} threw {ex.GetType().Name}: {ex.Message}; {state}");
        }
    }

    public void RequestStop() => inner.RequestStop();

    public string DescribeState() => inner.DescribeState();

    public void Dispose() => inner.Dispose();
}
