using CsCheck;

namespace Vmm.Sdk.Testing.Fuzzing;

/// <summary>
/// CsCheck generators for fuzz sequences, in the spirit of QEMU's generic-fuzz: each operation is aimed at a range
/// a target device holds (any offset in it, any access size), with values that are often the interesting ones
/// (0, all-ones, single high bits) and otherwise random, mixed with clock advances, guest RAM writes and console input.
/// </summary>
internal static class FuzzGenerators
{
    private static readonly int[] PortSizes = [1, 2, 4];
    private static readonly int[] MmioSizes = [1, 2, 4, 8];

    private static readonly Gen<ulong> Values = Gen.Frequency(
        (3, Gen.ULong),
        (2, Gen.OneOf<ulong>(0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x8000_0000, 0xffff_ffff, 0x8000_0000_0000_0000, ulong.MaxValue)),
        (2, Gen.Byte.Select(static b => (ulong)b)));

    public static Gen<FuzzOperation[]> Sequence(FuzzTargets targets, int maxOperations) =>
        Operation(targets).Array[1, maxOperations];

    public static Gen<FuzzOperation> Operation(FuzzTargets targets)
    {
        var choices = new List<(int, IGen<FuzzOperation>)>();
        if (targets.Ports.Count > 0)
        {
            choices.Add((10, PortAccess(targets.Ports)));
            choices.Add((1, PortString(targets.Ports)));
        }
        if (targets.Mmio.Count > 0)
            choices.Add((10, MmioAccess(targets.Mmio)));
        choices.Add((2, ClockAdvance));
        if (targets.Ram.Count > 0)
            choices.Add((1, MemoryWrite(targets.Ram)));
        if (targets.Devices.Count > 0)
            choices.Add((1, ConsoleInput(targets.Devices)));
        return Gen.Frequency([.. choices]);
    }

    private static Gen<ulong> Address(IReadOnlyList<DeviceRange> ranges) =>
        from index in Gen.Int[0, ranges.Count - 1]
        from offset in Gen.Long[0, (long)Math.Min(ranges[index].Length - 1, long.MaxValue)]
        select ranges[index].Base + (ulong)offset;

    private static Gen<FuzzOperation> PortAccess(IReadOnlyList<DeviceRange> ranges) =>
        from write in Gen.Bool
        from port in Address(ranges)
        from size in Gen.OneOf(PortSizes)
        from value in Values
        select write
            ? (FuzzOperation)new PortWrite((ushort)port, size, (uint)(value & Mask(size)))
            : new PortRead((ushort)port, size);

    private static Gen<FuzzOperation> PortString(IReadOnlyList<DeviceRange> ranges) =>
        from write in Gen.Bool
        from port in Address(ranges)
        from size in Gen.OneOf(PortSizes)
        from count in Gen.Int[2, 16]
        from data in Gen.Byte.Array[size * count]
        select write
            ? (FuzzOperation)new PortStringWrite((ushort)port, size, data)
            : new PortStringRead((ushort)port, size, count);

    private static Gen<FuzzOperation> MmioAccess(IReadOnlyList<DeviceRange> ranges) =>
        from write in Gen.Bool
        from address in Address(ranges)
        from size in Gen.OneOf(MmioSizes)
        from value in Values
        select write
            ? (FuzzOperation)new MmioWrite(address, size, value & Mask(size))
            : new MmioRead(address, size);

    private static readonly Gen<FuzzOperation> ClockAdvance =
        Gen.Frequency(
                (3, Gen.Long[1, TimeSpan.TicksPerMillisecond * 10]),
                (1, Gen.Long[1, TimeSpan.TicksPerSecond * 10]))
            .Select(static ticks => (FuzzOperation)new ClockAdvance(ticks));

    private static Gen<FuzzOperation> MemoryWrite(IReadOnlyList<(ulong Start, ulong End)> ram) =>
        from index in Gen.Int[0, ram.Count - 1]
        from length in Gen.Int[1, (int)Math.Min(64UL, ram[index].End - ram[index].Start)]
        from offset in Gen.Long[0, (long)(ram[index].End - ram[index].Start - (ulong)length)]
        from data in Gen.Byte.Array[length]
        select (FuzzOperation)new MemoryWrite(ram[index].Start + (ulong)offset, data);

    private static Gen<FuzzOperation> ConsoleInput(IReadOnlyList<string> consoles) =>
        from index in Gen.Int[0, consoles.Count - 1]
        from data in Gen.Byte.Array[1, 16]
        select (FuzzOperation)new ConsoleInput(consoles[index], data);

    private static ulong Mask(int size) => size >= sizeof(ulong) ? ulong.MaxValue : (1UL << (size * 8)) - 1;
}
