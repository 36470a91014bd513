namespace Vmm.Sdk;

/// <summary>Which instance a device object is, for its logs: injected into every device's constructor on request.</summary>
/// <param name="Name">The instance name from the VM config (<c>com1</c>).</param>
/// <param name="Type">The device type name (<c>uart16550</c>).</param>
public sealed record DeviceIdentity(string Name, string Type);
