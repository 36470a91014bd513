namespace Vmm.Sdk.Testing.Tests.Devices;

public sealed class ProbeOptions
{
    public ushort Port { get; set; } = 0x100;

    public int Irq { get; set; } = 5;

    /// <summary>When not 0, the probe also claims 0x100 bytes of MMIO here.</summary>
    public ulong Mmio { get; set; }

    public string Label { get; set; } = "";
}
