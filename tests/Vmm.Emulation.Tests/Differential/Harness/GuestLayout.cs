namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>
/// Where every differential guest keeps what: one memory map for all guests, so a guest table row only
/// says what its code does. Everything below <see cref="ComparedRamEnd"/> is compared byte for byte after
/// the run; the page tables sit above it because the CPU sets their accessed and dirty bits itself.
/// </summary>
internal static class GuestLayout
{
    public const ulong RamSize = 0x20_0000;

    /// <summary>The GDTR pseudo-descriptor (limit, base) for <c>lgdt</c>, then the GDT it points to.</summary>
    public const ulong GdtrAddress = 0x4F0;
    public const ulong GdtAddress = 0x500;

    /// <summary>The entry point: the first code block, 16-, 32- or 64-bit as the guest's boot mode says.</summary>
    public const ulong CodeAddress = 0x1000;

    /// <summary>Where a guest that switches modes puts its 32-bit code.</summary>
    public const ulong Code32Address = 0x3000;

    /// <summary>Where a guest that switches modes puts its 64-bit code.</summary>
    public const ulong Code64Address = 0x3800;

    /// <summary>Guest data: initial bytes from the guest table, results the guest stores.</summary>
    public const ulong DataAddress = 0x4000;
    public const ulong DataEnd = 0x7000;

    public const ulong StackTop = 0x8000;

    /// <summary>Identity map of the low 4 GiB with 2 MiB pages: PML4, one PDPT, four page directories.</summary>
    public const ulong Pml4Address = 0x20000;

    public const ulong ComparedRamEnd = 0x20000;

    /// <summary>A register file with no RAM behind it: guest accesses there are MMIO exits.</summary>
    public const ulong MmioBase = 0xD000_0000;
    public const int MmioSize = 0x1000;

    // Flat GDT selectors. The descriptors' accessed bits are preset so that loading a segment does not
    // write the GDT (the CPU would set the bit in RAM, Intel SDM Vol. 3A 3.4.5.1).
    public const ushort Code32Selector = 0x08;
    public const ushort DataSelector = 0x10;
    public const ushort Code64Selector = 0x18;

    /// <summary>A 32-bit data segment with base <see cref="DataAddress"/> and a 64 KiB byte-granular limit.</summary>
    public const ushort BasedDataSelector = 0x20;

    /// <summary>
    /// A DMA engine in <see cref="ScriptedDevices"/>: a dword written to the address port sets the guest-physical
    /// address, the bytes written to the data port are copied into guest RAM there, by the host, during the exit.
    /// </summary>
    public const ushort DmaAddressPort = 0xD8;
    public const ushort DmaDataPort = 0xDC;

    /// <summary>Port of value report number n is ValuePortBase + n, of flags report n FlagsPortBase + n.</summary>
    public const ushort ValuePortBase = 0x1000;
    public const ushort FlagsPortBase = 0x2000;
}
