namespace Vmm.Sdk.Testing;

/// <summary>
/// A device threw. Production contains that (the device is marked faulted and then behaves as unclaimed);
/// a <see cref="TestVm"/> also reports it to the test, with the device's exception as
/// <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class DeviceFaultException : Exception
{
    /// <summary>Creates the exception for device <paramref name="deviceName"/>, faulted by <paramref name="fault"/> during <paramref name="during"/>.</summary>
    public DeviceFaultException(string deviceName, string deviceType, string during, Exception fault)
        : base($"device \"{deviceName}\" ({deviceType}) threw {fault.GetType().Name} on {during}: {fault.Message}", fault)
    {
        DeviceName = deviceName;
        DeviceType = deviceType;
        During = during;
    }

    /// <summary>The instance name (<c>com1</c>).</summary>
    public string DeviceName { get; }

    /// <summary>The device type name (<c>uart16550</c>).</summary>
    public string DeviceType { get; }

    /// <summary>What the device was doing: the access (<c>IoOut at port 0x3f8, 1 byte</c>) or the operation.</summary>
    public string During { get; }
}
