namespace Vmm.Devices.FwCfg;

/// <summary>One file of <see cref="FwCfgOptions.Files"/>: a name and its contents from either a string or a host file, as QEMU's <c>-fw_cfg</c>.</summary>
public sealed class FwCfgFileOptions
{
    /// <summary>The name in the file directory (at most 55 bytes; QEMU leaves names starting <c>opt/</c> to users).</summary>
    public string Name { get; set; } = "";

    /// <summary>The file's contents as text, stored as UTF-8 without a terminating NUL (as QEMU's <c>string=</c>).</summary>
    public string? String { get; set; }

    /// <summary>A host file whose bytes are the contents, read when the VM is built (relative to the working directory).</summary>
    public string? File { get; set; }
}
