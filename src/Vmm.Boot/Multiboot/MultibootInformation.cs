using System.Buffers.Binary;
using System.Text;
using Vmm.Core.Memory;

namespace Vmm.Boot.Multiboot;

/// <summary>
/// Lays out the multiboot information structure (Multiboot Specification 0.6.96, 3.3 "Boot information
/// format") and everything it points to in one block: the structure, the module list, the memory map, then
/// the strings. The kernel gets its physical address in EBX.
/// </summary>
internal static class MultibootInformation
{
    public const uint BootloaderMagic = 0x2BAD_B002;
    public const string BootloaderName = "vmm";

    // 3.3: which fields are valid.
    public const uint HasMemory = 1u << 0;
    public const uint HasCommandLine = 1u << 2;
    public const uint HasModules = 1u << 3;
    public const uint HasMemoryMap = 1u << 6;
    public const uint HasBootloaderName = 1u << 9;

    // 3.3: field offsets (boot_device at 12, syms at 28-40, drives at 52-56 and the rest stay 0, their flags clear).
    private const int FlagsOffset = 0;
    private const int MemLowerOffset = 4;
    private const int MemUpperOffset = 8;
    private const int CommandLineOffset = 16;
    private const int ModulesCountOffset = 20;
    private const int ModulesAddressOffset = 24;
    private const int MemoryMapLengthOffset = 44;
    private const int MemoryMapAddressOffset = 48;
    private const int BootloaderNameOffset = 64;

    /// <summary>Up to and including the framebuffer fields (offset 110 + 6), rounded to 8.</summary>
    private const int StructureSize = 120;

    /// <summary>3.3: mod_start, mod_end, string, reserved.</summary>
    private const int ModuleEntrySize = 16;

    /// <summary>3.3: each mmap entry is size (not counting itself), base_addr, length, type.</summary>
    private const int MemoryMapEntrySize = 24;

    public readonly record struct PlacedModule(uint Start, uint End, string CommandLine);

    /// <summary>The block to copy to <paramref name="address"/>.</summary>
    public static byte[] Build(uint address, GuestMemory memory, string commandLine, IReadOnlyList<PlacedModule> modules)
    {
        var map = MultibootMemoryMap.Build(memory);
        var strings = new List<byte[]> { Zstring(commandLine) };
        foreach (var module in modules)
            strings.Add(Zstring(module.CommandLine));
        strings.Add(Zstring(BootloaderName));

        var modulesOffset = StructureSize;
        var mapOffset = modulesOffset + modules.Count * ModuleEntrySize;
        var stringsOffset = mapOffset + map.Count * MemoryMapEntrySize;
        var size = stringsOffset;
        foreach (var s in strings)
            size += s.Length;
        var block = new byte[size];
        var span = block.AsSpan();

        var stringAddresses = new uint[strings.Count];
        var cursor = stringsOffset;
        for (var i = 0; i < strings.Count; i++)
        {
            strings[i].CopyTo(span[cursor..]);
            stringAddresses[i] = address + (uint)cursor;
            cursor += strings[i].Length;
        }

        Put(span, FlagsOffset, HasMemory | HasCommandLine | HasModules | HasMemoryMap | HasBootloaderName);
        Put(span, MemLowerOffset, MultibootMemoryMap.LowerKiB(memory));
        Put(span, MemUpperOffset, MultibootMemoryMap.UpperKiB(memory));
        Put(span, CommandLineOffset, stringAddresses[0]);
        Put(span, ModulesCountOffset, (uint)modules.Count);
        Put(span, ModulesAddressOffset, address + (uint)modulesOffset);
        Put(span, MemoryMapLengthOffset, (uint)(map.Count * MemoryMapEntrySize));
        Put(span, MemoryMapAddressOffset, address + (uint)mapOffset);
        Put(span, BootloaderNameOffset, stringAddresses[^1]);

        for (var i = 0; i < modules.Count; i++)
        {
            var entry = span.Slice(modulesOffset + i * ModuleEntrySize, ModuleEntrySize);
            Put(entry, 0, modules[i].Start);
            Put(entry, 4, modules[i].End);
            Put(entry, 8, stringAddresses[1 + i]);
        }
        for (var i = 0; i < map.Count; i++)
        {
            var entry = span.Slice(mapOffset + i * MemoryMapEntrySize, MemoryMapEntrySize);
            Put(entry, 0, MemoryMapEntrySize - 4);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[4..], map[i].Base);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[12..], map[i].Length);
            Put(entry, 20, map[i].Type);
        }
        return block;
    }

    private static void Put(Span<byte> span, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(span[offset..], value);

    private static byte[] Zstring(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
