using Vmm.Sdk;

namespace Vmm.Devices.Cmos;

/// <summary>
/// The CMOS bytes firmware and kernels read the machine's memory size and CPU count from, filled as QEMU's
/// <c>pc_cmos_init</c> fills them for SeaBIOS (SeaBIOS <c>src/hw/rtc.h</c> names the offsets): base memory,
/// extended memory above 1 MiB (two copies), memory above 16 MiB, memory above 4 GiB, and the CPU count.
/// </summary>
internal static class CmosMemoryLayout
{
    public const int BaseMemoryLow = 0x15, BaseMemoryHigh = 0x16;               // KiB below 1 MiB (640)
    public const int ExtendedMemoryLow = 0x17, ExtendedMemoryHigh = 0x18;       // KiB above 1 MiB, at most 0xffff
    public const int ExtendedMemoryLow2 = 0x30, ExtendedMemoryHigh2 = 0x31;     // the same, where the POST result goes
    public const int MemoryAbove16MLow = 0x34, MemoryAbove16MHigh = 0x35;       // 64 KiB units above 16 MiB (below 4 GiB)
    public const int MemoryAbove4GLow = 0x5b, MemoryAbove4GMiddle = 0x5c, MemoryAbove4GHigh = 0x5d; // 64 KiB units
    public const int CpuCountMinusOne = 0x5f;                                   // SeaBIOS CMOS_BIOS_SMP_COUNT

    private const ulong KiB = 1024, MiB = 1024 * KiB, SixtyFourKiB = 64 * KiB;
    private const ulong BaseMemoryKiB = 640;

    /// <summary>Writes the memory-size and CPU-count bytes for <paramref name="machine"/> into <paramref name="cmos"/>.</summary>
    public static void Fill(Span<byte> cmos, MachineInfo machine)
    {
        var below4G = machine.RamBelow4G;
        Write16(cmos, BaseMemoryLow, BaseMemoryKiB);

        var extendedKiB = below4G > MiB ? Math.Min((below4G - MiB) / KiB, 0xffff) : 0;
        Write16(cmos, ExtendedMemoryLow, extendedKiB);
        Write16(cmos, ExtendedMemoryLow2, extendedKiB);

        var above16M = below4G > 16 * MiB ? Math.Min((below4G - 16 * MiB) / SixtyFourKiB, 0xffff) : 0;
        Write16(cmos, MemoryAbove16MLow, above16M);

        var above4G = Math.Min(machine.RamAbove4G / SixtyFourKiB, 0xff_ffff);
        cmos[MemoryAbove4GLow] = (byte)above4G;
        cmos[MemoryAbove4GMiddle] = (byte)(above4G >> 8);
        cmos[MemoryAbove4GHigh] = (byte)(above4G >> 16);

        cmos[CpuCountMinusOne] = (byte)Math.Clamp(machine.VcpuCount - 1, 0, 0xff);
    }

    private static void Write16(Span<byte> cmos, int low, ulong value)
    {
        cmos[low] = (byte)value;
        cmos[low + 1] = (byte)(value >> 8);
    }
}
