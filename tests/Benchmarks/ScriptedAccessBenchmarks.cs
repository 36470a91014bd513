using BenchmarkDotNet.Attributes;
using Vmm.Sdk.Testing;

namespace Vmm.Benchmarks;

/// <summary>
/// What one scripted access costs a device test: <c>vm.Out8</c>/<c>vm.In8</c> build the exit a backend would
/// and push it through the production pipeline to a plugin device, with the kit's exit trace on and off.
/// </summary>
[MemoryDiagnoser]
public class ScriptedAccessBenchmarks
{
    private const ushort Port = 0x80;

    private TestVm _traced = null!;
    private TestVm _untraced = null!;

    [GlobalSetup]
    public void Setup()
    {
        _traced = TestVm.Create(b => b.AddPlugin<PioRoundTripBenchmarks.NullDevicePlugin>().AddDevice("null").WithoutGuestExecution());
        _untraced = TestVm.Create(b =>
        {
            b.AddPlugin<PioRoundTripBenchmarks.NullDevicePlugin>().AddDevice("null").WithoutGuestExecution();
            b.TraceCapacity = 0;
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _traced.Dispose();
        _untraced.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void Out8() => _untraced.Out8(Port, 0x42);

    [Benchmark]
    public byte In8() => _untraced.In8(Port);

    [Benchmark]
    public void Out8Traced() => _traced.Out8(Port, 0x42);
}
