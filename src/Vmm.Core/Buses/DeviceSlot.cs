using Microsoft.Extensions.Logging;
using Vmm.Sdk;

namespace Vmm.Core.Buses;

/// <summary>
/// A device instance as the buses hold it: the device, its name for messages, its access counts, and
/// fault containment. A device that throws is logged once, marked faulted, and from then on every access
/// to it behaves as unclaimed, so one broken device cannot take the VM down.
/// </summary>
public sealed partial class DeviceSlot
{
    private readonly ILogger _logger;
    private readonly long[] _accessesPerVcpu;
    private Exception? _fault;

    public DeviceSlot(string name, string type, IBusDevice device, ILogger logger, int vcpuCount)
    {
        Name = name;
        Type = type;
        Device = device;
        _logger = logger;
        _accessesPerVcpu = new long[vcpuCount];
    }

    public string Name { get; }

    public string Type { get; }

    public IBusDevice Device { get; }

    public bool IsFaulted => Volatile.Read(ref _fault) is not null;

    /// <summary>The exception that faulted the device, if any.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>Accesses the device handled, over all vCPUs.</summary>
    public long Accesses
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _accessesPerVcpu.Length; i++)
                total += Volatile.Read(ref _accessesPerVcpu[i]);
            return total;
        }
    }

    /// <summary>Reads through the device; false if it is faulted or throws (the caller then treats the access as unclaimed).</summary>
    public bool TryRead(in BusAccess access, Span<byte> data)
    {
        if (_fault is not null)
            return false;
        try
        {
            Device.Read(access, data);
            _accessesPerVcpu[access.VcpuId]++;
            return true;
        }
        catch (Exception ex)
        {
            MarkFaulted(ex, in access, "read");
            return false;
        }
    }

    /// <summary>Writes through the device; false if it is faulted or throws.</summary>
    public bool TryWrite(in BusAccess access, ReadOnlySpan<byte> data)
    {
        if (_fault is not null)
            return false;
        try
        {
            Device.Write(access, data);
            _accessesPerVcpu[access.VcpuId]++;
            return true;
        }
        catch (Exception ex)
        {
            MarkFaulted(ex, in access, "write");
            return false;
        }
    }

    private void MarkFaulted(Exception exception, in BusAccess access, string operation)
    {
        if (Interlocked.CompareExchange(ref _fault, exception, null) is null)
            LogDeviceFaulted(_logger, Name, Type, operation, access.Address, exception);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Device \"{Name}\" ({Type}) threw on a {Operation} at 0x{Address:x}; it is marked faulted and its accesses now behave as unclaimed")]
    private static partial void LogDeviceFaulted(ILogger logger, string name, string type, string operation, ulong address, Exception exception);
}
