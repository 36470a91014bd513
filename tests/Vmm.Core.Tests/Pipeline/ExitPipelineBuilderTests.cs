using Microsoft.Extensions.DependencyInjection;
using Vmm.Core.Pipeline;
using Vmm.Sdk;

namespace Vmm.Core.Tests.Pipeline;

public class ExitPipelineBuilderTests
{
    private static ExitPipelineBuilder NewBuilder() => new(new ServiceCollection().BuildServiceProvider());

    [Fact]
    public void Middleware_runs_in_the_order_added_around_the_terminal()
    {
        var order = new List<string>();
        var builder = NewBuilder();
        builder.Use(next => (ref ExitContext exit) => { order.Add("a>"); next(ref exit); order.Add("<a"); });
        builder.Use(next => (ref ExitContext exit) => { order.Add("b>"); next(ref exit); order.Add("<b"); });

        var pipeline = builder.Build((ref ExitContext exit) => order.Add("terminal"));
        var context = new ExitContext(ExitKind.IoOut, 0, 0x80, 1, 1, new byte[1]);
        pipeline(ref context);

        Assert.Equal(["a>", "b>", "terminal", "<b", "<a"], order);
    }

    [Fact]
    public void Middleware_factories_run_once_at_build_not_per_exit()
    {
        var factoryCalls = 0;
        var builder = NewBuilder();
        builder.Use(next => { factoryCalls++; return next; });
        var pipeline = builder.Build(static (ref ExitContext _) => { });

        for (var i = 0; i < 3; i++)
        {
            var context = new ExitContext(ExitKind.Halt, 0, 0, 0, 0, default);
            pipeline(ref context);
        }

        Assert.Equal(1, factoryCalls);
    }

    [Fact]
    public void A_middleware_can_short_circuit_and_change_the_outcome()
    {
        var builder = NewBuilder();
        builder.Use(next => (ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.Halt)
            {
                exit.Outcome = ExitOutcome.StopVm;
                return;
            }
            next(ref exit);
        });
        var terminalCalls = 0;
        var pipeline = builder.Build((ref ExitContext _) => terminalCalls++);

        var halt = new ExitContext(ExitKind.Halt, 0, 0, 0, 0, default);
        pipeline(ref halt);

        Assert.Equal(ExitOutcome.StopVm, halt.Outcome);
        Assert.Equal(0, terminalCalls);
    }

    [Fact]
    public void Metrics_count_exits_by_kind_across_vcpus()
    {
        using var metrics = new ExitMetrics(vcpuCount: 2);
        var builder = NewBuilder();
        builder.UseExitMetrics(metrics);
        var pipeline = builder.Build(static (ref ExitContext _) => { });

        foreach (var (kind, vcpu) in new[] { (ExitKind.IoOut, 0), (ExitKind.IoOut, 1), (ExitKind.MmioRead, 1), (ExitKind.Halt, 0) })
        {
            var context = new ExitContext(kind, vcpu, 0, 1, 1, new byte[1]);
            pipeline(ref context);
        }

        Assert.Equal(2, metrics.Count(ExitKind.IoOut));
        Assert.Equal(1, metrics.Count(ExitKind.MmioRead));
        Assert.Equal(1, metrics.Count(ExitKind.Halt));
        Assert.Equal(4, metrics.Total);
    }

    [Fact]
    public void Fault_containment_turns_a_throwing_stage_into_an_unclaimed_read()
    {
        var builder = NewBuilder();
        builder.UseFaultContainment(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        builder.Use(_ => (ref ExitContext _) => throw new InvalidOperationException("middleware bug"));
        var pipeline = builder.Build(static (ref ExitContext _) => { });

        var data = new byte[2];
        var context = new ExitContext(ExitKind.IoIn, 0, 0x60, 2, 1, data);
        pipeline(ref context);

        Assert.Equal(new byte[] { 0xFF, 0xFF }, data);
        Assert.False(context.Handled);
        Assert.Equal(ExitOutcome.Resume, context.Outcome);
    }
}
