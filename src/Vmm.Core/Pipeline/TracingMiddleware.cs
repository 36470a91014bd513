using Microsoft.Extensions.Logging;
using Vmm.Sdk;

namespace Vmm.Core.Pipeline;

/// <summary>
/// Logs every exit after it is handled: kind, vCPU, address, size, count, the first bytes of data, and
/// whether a device claimed it. Only composed into the pipeline when asked for (<c>vmm run --trace</c>),
/// so a VM that does not trace pays nothing for it.
/// </summary>
public static partial class TracingMiddleware
{
    public static IExitPipelineBuilder UseExitTracing(this IExitPipelineBuilder pipeline, ILogger logger) =>
        pipeline.Use(next => (ref ExitContext exit) =>
        {
            next(ref exit);
            if (logger.IsEnabled(LogLevel.Trace))
                LogExit(logger, exit.VcpuId, exit.Kind, exit.Address, exit.Size, exit.Count, Convert.ToHexString(exit.Data[..Math.Min(exit.Data.Length, 16)]), exit.Handled, exit.Outcome);
        });

    [LoggerMessage(Level = LogLevel.Trace, Message = "vCPU {VcpuId} {Kind} 0x{Address:x} size {Size} count {Count} data {Data} handled {Handled} -> {Outcome}")]
    private static partial void LogExit(ILogger logger, int vcpuId, ExitKind kind, ulong address, int size, int count, string data, bool handled, ExitOutcome outcome);
}
