using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Vmm.Core.Buses;
using Vmm.Core.Pipeline;
using Vmm.Sdk;

namespace Vmm.Benchmarks;

/// <summary>
/// The framework-only cost of one dispatched exit: the production pipeline (metrics, fault containment,
/// router) and buses over a reused data buffer, with no hypervisor in the loop.
/// </summary>
[MemoryDiagnoser]
public class ExitDispatchBenchmarks
{
    private const int ExitsPerInvoke = 1000;
    private const ushort Port = 0x80;
    private const ulong MmioBase = 0xd000_0000;

    private readonly byte[] _data = new byte[8];
    private ExitHandler _pipeline = null!;
    private ExitMetrics _metrics = null!;

    [GlobalSetup]
    public void Setup()
    {
        var io = new IoBus();
        var mmio = new MmioBus();
        io.Register(new DeviceSlot("null", "null", new NullDevice(), NullLogger.Instance, 1), 0, new DeviceRange(AddressSpace.Port, Port, 1));
        // 16 MMIO regions, so the lookup is a real binary search.
        for (var i = 0; i < 16; i++)
            mmio.Register(new DeviceSlot($"mmio{i}", "null", new NullDevice(), NullLogger.Instance, 1), 0, new DeviceRange(AddressSpace.Mmio, MmioBase + (ulong)i * 0x1000, 0x1000));
        var router = new ExitRouter(io, mmio, new UnclaimedAccessLog(NullLogger.Instance), new VmStopSignal());
        _metrics = new ExitMetrics(1);
        var builder = new ExitPipelineBuilder(new ServiceCollection().BuildServiceProvider());
        builder.UseExitMetrics(_metrics);
        builder.UseFaultContainment(NullLogger.Instance);
        _pipeline = builder.Build(router.Handle);
    }

    [GlobalCleanup]
    public void Cleanup() => _metrics.Dispose();

    [Benchmark(OperationsPerInvoke = ExitsPerInvoke, Baseline = true)]
    public void PortWrite()
    {
        var data = _data.AsSpan(0, 1);
        for (var i = 0; i < ExitsPerInvoke; i++)
        {
            var exit = new ExitContext(ExitKind.IoOut, 0, Port, 1, 1, data);
            _pipeline(ref exit);
        }
    }

    [Benchmark(OperationsPerInvoke = ExitsPerInvoke)]
    public void PortRead()
    {
        var data = _data.AsSpan(0, 1);
        for (var i = 0; i < ExitsPerInvoke; i++)
        {
            data.Clear();
            var exit = new ExitContext(ExitKind.IoIn, 0, Port, 1, 1, data);
            _pipeline(ref exit);
        }
    }

    [Benchmark(OperationsPerInvoke = ExitsPerInvoke)]
    public void MmioWrite()
    {
        var data = _data.AsSpan(0, 4);
        for (var i = 0; i < ExitsPerInvoke; i++)
        {
            var exit = new ExitContext(ExitKind.MmioWrite, 0, MmioBase + 0xb000 + 0x10, 4, 1, data);
            _pipeline(ref exit);
        }
    }
}
