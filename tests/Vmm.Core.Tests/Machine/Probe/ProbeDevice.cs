using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace Vmm.Core.Tests.Machine.Probe;

/// <summary>One byte a vCPU wrote to the probe's record port, and when.</summary>
public sealed record ProbeRecord(int VcpuId, byte Value, TimeSpan At);

/// <summary>
/// A test device for whole-machine guests on any backend: port <see cref="Base"/> records (vCPU, byte, time), +1 asks
/// for a machine reset, +3 stops the VM with the byte as its exit code (a debug-exit).
/// </summary>
public sealed class ProbeDevice(IVmControl control) : IBusDevice
{
    public const byte Base = 0xE0;
    public const byte RecordPort = Base, ResetPort = Base + 1, ExitPort = Base + 3;

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ConcurrentQueue<ProbeRecord> Records { get; } = new();

    public int ResetRequests;

    public void Read(in BusAccess access, Span<byte> data) { }

    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
        switch (access.Offset)
        {
            case 0:
                Records.Enqueue(new ProbeRecord(access.VcpuId, data[0], _clock.Elapsed));
                break;
            case 1:
                Interlocked.Increment(ref ResetRequests);
                control.RequestReset();
                break;
            case 3:
                control.RequestStop(data[0]);
                break;
        }
    }
}

public sealed class ProbeOptions
{
}

public sealed class ProbePlugin : IVmmPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        services.AddDeviceType<ProbeDevice, ProbeOptions>("probe", "records bytes per vCPU, resets and stops the VM",
            (_, resources) => resources.AddPorts(ProbeDevice.Base, 4));
}
