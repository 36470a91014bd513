namespace Vmm.Sdk;

/// <summary>
/// A named blob the guest's firmware interface publishes: QEMU fw_cfg lists it in its file directory, where
/// firmware and test kernels look it up by name (<c>opt/org.example/config</c>). Files come from three places and
/// a device that publishes them (the <c>fw-cfg</c> device) gets them all as <see cref="FirmwareFiles"/>: the host's
/// command line (<c>vmm run --fw-cfg NAME,string=S</c>), any plugin that registers one, and the device's own options.
/// </summary>
/// <example>
/// A plugin contributes a file by registering an instance (or a factory, which may ask for <see cref="MachineInfo"/>):
/// <code>
/// public void ConfigureServices(IServiceCollection services) =>
///     services.AddSingleton(new FirmwareFile("opt/org.example/greeting", "hello"u8.ToArray()));
/// </code>
/// </example>
public sealed class FirmwareFile
{
    /// <summary>Creates a file named <paramref name="name"/> holding <paramref name="contents"/>.</summary>
    /// <param name="name">Its name; fw_cfg allows up to 55 bytes and QEMU reserves names outside <c>opt/</c> for itself.</param>
    /// <param name="contents">Its bytes, kept as given (not copied).</param>
    /// <param name="source">Where it came from, for error messages; null lets the host name the plugin that registered it.</param>
    public FirmwareFile(string name, ReadOnlyMemory<byte> contents, string? source = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Contents = contents;
        Source = source;
    }

    /// <summary>The name the guest looks the file up by.</summary>
    public string Name { get; }

    /// <summary>The file's bytes.</summary>
    public ReadOnlyMemory<byte> Contents { get; }

    /// <summary>Where it came from (<c>--fw-cfg</c>, <c>plugin 'Acme.Devices'</c>), for error messages; null if not said.</summary>
    public string? Source { get; }
}
