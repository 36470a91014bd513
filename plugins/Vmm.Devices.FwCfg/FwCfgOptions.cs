using System.ComponentModel;

namespace Vmm.Devices.FwCfg;

/// <summary>Options of one <c>fw-cfg</c> instance, bound from its entry in the VM config.</summary>
/// <example>
/// <code>
/// { "type": "fw-cfg", "options": { "files": [ { "name": "opt/org.example/mode", "string": "test" },
///                                            { "name": "opt/org.example/blob", "file": "blob.bin" } ] } }
/// </code>
/// </example>
public sealed class FwCfgOptions
{
    /// <summary>The selector port; the data port is the next one. 0x510 on x86 (QEMU docs/specs/fw_cfg.rst, "Register Locations").</summary>
    [Description("Selector port; the data port is the next one (x86: 0x510, data 0x511).")]
    public ushort Port { get; set; } = 0x510;

    /// <summary>The first of the 8 ports of the DMA address register; 0x514 on x86. 0 leaves the DMA interface out.</summary>
    [Description("First of the 8 ports of the big-endian DMA address register (x86: 0x514); 0 leaves DMA out.")]
    public ushort DmaPort { get; set; } = 0x514;

    /// <summary>Named files for the file directory, besides those from plugins and <c>--fw-cfg</c>.</summary>
    [Description("Files for the directory: each a name and either string (its text) or file (a path to its bytes).")]
    public List<FwCfgFileOptions> Files { get; set; } = [];
}
