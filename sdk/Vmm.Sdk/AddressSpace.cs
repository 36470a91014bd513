namespace Vmm.Sdk;

/// <summary>The bus a device range lives on.</summary>
public enum AddressSpace
{
    /// <summary>x86 I/O ports, 0 to 0xFFFF.</summary>
    Port,
    /// <summary>Guest-physical addresses outside RAM.</summary>
    Mmio,
}
