using Vmm.Sdk;

namespace Vmm.Core.Pipeline;

/// <summary>Counts every exit by kind on the exiting vCPU's own counter row.</summary>
public static class MetricsMiddleware
{
    public static IExitPipelineBuilder UseExitMetrics(this IExitPipelineBuilder pipeline, ExitMetrics metrics) =>
        pipeline.Use(next => (ref ExitContext exit) =>
        {
            metrics.Increment(exit.VcpuId, exit.Kind);
            next(ref exit);
        });
}
