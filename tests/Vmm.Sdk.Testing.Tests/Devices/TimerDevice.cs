using Vmm.Sdk;

namespace Vmm.Sdk.Testing.Tests.Devices;

/// <summary>A write of N arms a one-shot timer of N ms that raises the line; a read returns 1 if it fired and lowers the line.</summary>
public sealed class TimerDevice(TimeProvider clock, IInterruptLine irq) : IBusDevice, IDisposable
{
    private ITimer? _timer;
    private volatile bool _fired;

    public void Read(in BusAccess access, Span<byte> data)
    {
        data[0] = _fired ? (byte)1 : (byte)0;
        _fired = false;
        irq.Lower();
    }

    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
        _timer?.Dispose();
        _timer = clock.CreateTimer(_ =>
        {
            _fired = true;
            irq.Raise();
        }, null, TimeSpan.FromMilliseconds(data[0]), Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _timer?.Dispose();
}
