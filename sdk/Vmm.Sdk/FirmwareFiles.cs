namespace Vmm.Sdk;

/// <summary>
/// Every <see cref="FirmwareFile"/> the VM was given, for the device that publishes them to the guest (fw_cfg) to
/// ask for in its constructor: first those from the host's command line, then each plugin's registrations in plugin
/// order, each with its <see cref="FirmwareFile.Source"/> set. Names are not checked for duplicates here; the
/// publishing device does that, naming both sources.
/// </summary>
public sealed class FirmwareFiles
{
    /// <summary>Wraps <paramref name="files"/>.</summary>
    public FirmwareFiles(IReadOnlyList<FirmwareFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        Files = files;
    }

    /// <summary>The files, in the order described above.</summary>
    public IReadOnlyList<FirmwareFile> Files { get; }
}
