using System.Buffers.Binary;
using System.Text;
using Vmm.Sdk;
using Vmm.Sdk.Testing;

namespace Vmm.Devices.FwCfg.Tests;

/// <summary>fw_cfg's ports, selectors and DMA bits as QEMU docs/specs/fw_cfg.rst gives them, and a guest-side driver for the tests.</summary>
internal static class FwCfg
{
    public const ushort SelectorPort = 0x510, DataPort = 0x511, DmaHigh = 0x514, DmaLow = 0x518;
    public const ushort Signature = 0x0000, Id = 0x0001, RamSize = 0x0003, CpuCount = 0x0005, FileDirectory = 0x0019;
    public const uint DmaError = 0x01, DmaRead = 0x02, DmaSkip = 0x04, DmaSelect = 0x08, DmaWrite = 0x10;

    public static TestVm Create(object? options = null, Action<TestVmBuilder>? configure = null) => TestVm.Create(b =>
    {
        b.AddPlugin<FwCfgPlugin>().AddDevice("fw-cfg", options);
        configure?.Invoke(b);
    });

    /// <summary>Selects <paramref name="selector"/> and reads <paramref name="count"/> bytes through the data port, one <c>inb</c> each.</summary>
    public static byte[] ReadItem(this TestVm vm, ushort selector, int count)
    {
        vm.Out16(SelectorPort, selector);
        var bytes = new byte[count];
        for (var i = 0; i < count; i++)
            bytes[i] = vm.In8(DataPort);
        return bytes;
    }

    /// <summary>The file directory as (name, size, selector) entries, read through the data port.</summary>
    public static List<(string Name, uint Size, ushort Selector)> ReadDirectory(this TestVm vm)
    {
        var count = BinaryPrimitives.ReadUInt32BigEndian(vm.ReadItem(FileDirectory, 4));
        var entries = new List<(string, uint, ushort)>();
        for (var i = 0; i < count; i++)
        {
            var entry = new byte[64];
            for (var b = 0; b < entry.Length; b++)
                entry[b] = vm.In8(DataPort);
            var name = Encoding.UTF8.GetString(entry.AsSpan(8, 56)).TrimEnd('\0');
            entries.Add((name, BinaryPrimitives.ReadUInt32BigEndian(entry), BinaryPrimitives.ReadUInt16BigEndian(entry.AsSpan(4))));
        }
        return entries;
    }

    /// <summary>Writes an FWCfgDmaAccess at <paramref name="descriptor"/> and starts it as a guest does: the high half, then the low half, big-endian.</summary>
    public static uint Dma(this TestVm vm, ulong descriptor, uint control, uint length, ulong address)
    {
        var access = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(access, control);
        BinaryPrimitives.WriteUInt32BigEndian(access.AsSpan(4), length);
        BinaryPrimitives.WriteUInt64BigEndian(access.AsSpan(8), address);
        vm.WriteMemory(descriptor, access);
        vm.Out32(DmaHigh, BinaryPrimitives.ReverseEndianness((uint)(descriptor >> 32)));   // outl(cpu_to_be32(high))
        vm.Out32(DmaLow, BinaryPrimitives.ReverseEndianness((uint)descriptor));            // writing the low half starts it
        return BinaryPrimitives.ReadUInt32BigEndian(vm.ReadMemory(descriptor, 4));
    }
}
