namespace Vmm.Host.Configuration;

/// <summary>The VM description in <c>vm.json</c>; property names are matched case-insensitively.</summary>
public sealed class VmConfig
{
    /// <summary>RAM size: bytes, or with a K/M/G suffix (<c>"64M"</c>).</summary>
    public string Memory { get; set; } = "64M";

    public int Cpus { get; set; } = 1;

    /// <summary>The machine type whose devices come first (<see cref="MachinePreset"/>); <c>pc</c> when not given.</summary>
    public string? Machine { get; set; }

    /// <summary>Plugin folders, relative to the config file: each a plugin folder or a folder of them.</summary>
    public List<string> Plugins { get; set; } = [];

    public List<DeviceConfig> Devices { get; set; } = [];

    public ImageConfig? Image { get; set; }

    /// <summary>A kernel whose boot protocol vmm picks from the file; exclusive with <see cref="Image"/>.</summary>
    public KernelConfig? Kernel { get; set; }
}
