using System.Diagnostics.Metrics;
using Vmm.Sdk;

namespace Vmm.Core.Pipeline;

/// <summary>
/// Exit counts per vCPU and kind in plain arrays: each vCPU thread increments only its own row, so the
/// hot path needs no lock or interlocked operation. Published as a pulled observable counter
/// (<c>vmm.exits</c>, tagged by kind) so dotnet-counters and OpenTelemetry read it at no cost per exit.
/// </summary>
public sealed class ExitMetrics : IDisposable
{
    public const string MeterName = "Vmm";

    private static readonly ExitKind[] Kinds = Enum.GetValues<ExitKind>();
    private readonly long[][] _counts;
    private readonly Meter _meter;

    public ExitMetrics(int vcpuCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vcpuCount);
        _counts = new long[vcpuCount][];
        for (var i = 0; i < vcpuCount; i++)
            _counts[i] = new long[Kinds.Length];
        _meter = new Meter(MeterName);
        _meter.CreateObservableCounter("vmm.exits", Observe, unit: "{exit}", description: "VM exits handled, by kind");
    }

    public void Increment(int vcpuId, ExitKind kind) => _counts[vcpuId][(int)kind]++;

    /// <summary>Exits of <paramref name="kind"/> summed over all vCPUs.</summary>
    public long Count(ExitKind kind)
    {
        long total = 0;
        foreach (var row in _counts)
            total += Volatile.Read(ref row[(int)kind]);
        return total;
    }

    public long Total
    {
        get
        {
            long total = 0;
            foreach (var kind in Kinds)
                total += Count(kind);
            return total;
        }
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        foreach (var kind in Kinds)
        {
            var count = Count(kind);
            if (count != 0)
                yield return new Measurement<long>(count, new KeyValuePair<string, object?>("kind", kind.ToString()));
        }
    }

    public void Dispose() => _meter.Dispose();
}
