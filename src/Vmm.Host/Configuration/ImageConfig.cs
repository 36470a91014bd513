namespace Vmm.Host.Configuration;

/// <summary>A flat binary image in <c>vm.json</c>, entered in real mode.</summary>
public sealed class ImageConfig
{
    /// <summary>The file, relative to the config file.</summary>
    public string Path { get; set; } = "";

    /// <summary>Guest-physical load address (<c>"0x7c00"</c>).</summary>
    public ulong Address { get; set; } = 0x7c00;

    /// <summary>Entry point; defaults to <see cref="Address"/>.</summary>
    public ulong? Entry { get; set; }
}
