using Microsoft.Extensions.Configuration;

namespace Vmm.Core.Devices;

/// <summary>One device instance a VM should have: its type, its name, its options and its console.</summary>
/// <param name="Type">The device type name (<c>uart16550</c>).</param>
/// <param name="Name">The instance name, unique in the VM (<c>com1</c>).</param>
/// <param name="Options">The options section, bound onto the type's options class.</param>
public sealed record DeviceInstanceSpec(string Type, string Name, IConfiguration Options)
{
    /// <summary>Where the guest's output through this device goes (a console device); null discards it.</summary>
    public Stream? Output { get; init; }

    /// <summary>Where the guest's input through this device comes from; null means none.</summary>
    public Stream? Input { get; init; }

    /// <summary>
    /// A console made by the caller, used instead of one pumped from <see cref="Output"/> and <see cref="Input"/>
    /// (the mock vCPU kit passes <see cref="DeviceConsole.CreateDirect"/>'s). The VM built from the spec owns and
    /// disposes it, so give each build its own.
    /// </summary>
    public DeviceConsole? Console { get; init; }

    /// <summary>Where the spec came from, for messages (<c>vm.json: devices[1]</c>).</summary>
    public string? Source { get; init; }
}
