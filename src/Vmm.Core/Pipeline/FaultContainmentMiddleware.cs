using Microsoft.Extensions.Logging;
using Vmm.Sdk;

namespace Vmm.Core.Pipeline;

/// <summary>
/// Keeps a throwing stage from killing the vCPU thread: the exit behaves as unclaimed (reads all-ones,
/// writes dropped) and the VM keeps running. Devices are contained one level lower, by the buses, which
/// also mark the device faulted; this catches what middleware after it throws. A try block costs nothing
/// until something throws.
/// </summary>
public static partial class FaultContainmentMiddleware
{
    public static IExitPipelineBuilder UseFaultContainment(this IExitPipelineBuilder pipeline, ILogger logger) =>
        pipeline.Use(next => (ref ExitContext exit) =>
        {
            try
            {
                next(ref exit);
            }
            catch (Exception ex)
            {
                LogStageFault(logger, exit.Kind, exit.Address, exit.VcpuId, ex);
                if (exit.Kind is ExitKind.IoIn or ExitKind.MmioRead)
                    exit.Data.Fill(0xFF);
                exit.Handled = false;
            }
        });

    [LoggerMessage(Level = LogLevel.Error, Message = "Exit pipeline stage threw on {Kind} at 0x{Address:x} (vCPU {VcpuId}); the access behaves as unclaimed")]
    private static partial void LogStageFault(ILogger logger, ExitKind kind, ulong address, int vcpuId, Exception exception);
}
