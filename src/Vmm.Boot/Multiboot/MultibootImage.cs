using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Core.Memory;

namespace Vmm.Boot.Multiboot;

/// <summary>
/// A multiboot (v1) kernel with its command line and modules (Multiboot Specification 0.6.96). Loading puts
/// the kernel's segments where its ELF program headers or its header's address fields say, the modules page
/// aligned after it, and the multiboot information after the modules, so none can overlap; the vCPU then
/// enters as 3.2 "Machine state" requires: 32-bit protected mode, flat segments, paging off,
/// EAX = 0x2BADB002, EBX = the information's address.
/// </summary>
public sealed class MultibootImage : IBootImage
{
    /// <summary>The value in EAX at entry (3.2).</summary>
    public const uint BootloaderMagic = MultibootInformation.BootloaderMagic;

    private const ulong PageSize = 4096;
    private const ulong FourGiB = 1UL << 32;

    private readonly ReadOnlyMemory<byte> _kernel;
    private readonly KernelLayout _layout;
    private readonly string _commandLine;
    private readonly IReadOnlyList<MultibootModule> _modules;

    private MultibootImage(string name, ReadOnlyMemory<byte> kernel, KernelLayout layout, string commandLine, IReadOnlyList<MultibootModule> modules)
    {
        _kernel = kernel;
        _layout = layout;
        _commandLine = commandLine;
        _modules = modules;
        Description = $"multiboot kernel {name}";
    }

    public string Description { get; }

    /// <summary>The physical entry point.</summary>
    public uint EntryPoint => _layout.Entry;

    /// <summary>True if <paramref name="image"/> has the multiboot magic 32-bit aligned in its first 8192 bytes (3.1.1).</summary>
    public static bool IsMultiboot(ReadOnlySpan<byte> image) => MultibootHeader.HasMagic(image);

    /// <summary>
    /// Parses a kernel image; every problem is one <see cref="BootImageException"/> naming <paramref name="name"/>.
    /// The kernel's command line, as GRUB and QEMU pass it, should start with the kernel's file name.
    /// </summary>
    public static MultibootImage FromBytes(string name, ReadOnlyMemory<byte> kernel, string commandLine, IReadOnlyList<MultibootModule>? modules = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(commandLine);
        var where = $"kernel {name}";
        var header = MultibootHeader.Find(where, kernel.Span);
        var layout = header.HasAddressFields
            ? AoutKludgeLayout.Read(where, kernel.Span, header)
            : Elf32Layout.Read(where, kernel.Span);
        return new MultibootImage(name, kernel, layout, commandLine, modules ?? []);
    }

    public VcpuBootState Load(GuestMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ulong kernelEnd = 0;
        for (var i = 0; i < _layout.Segments.Count; i++)
        {
            var segment = _layout.Segments[i];
            CheckPlacement(memory, $"segment {i}", segment.Address, segment.MemorySize);
            var bytes = _kernel.Span.Slice(segment.FileOffset, (int)segment.FileSize);
            memory.TryWrite(segment.Address, bytes);
            // Zeros for the bss, also over whatever a previous boot (a reset) left there.
            Clear(memory, segment.Address + segment.FileSize, segment.MemorySize - segment.FileSize);
            kernelEnd = Math.Max(kernelEnd, segment.End);
        }

        // Modules go page aligned whether or not flag 0 asks for it (3.1.2 bit 0): it costs a few bytes.
        var cursor = AlignUp(kernelEnd);
        var placed = new List<MultibootInformation.PlacedModule>(_modules.Count);
        foreach (var module in _modules)
        {
            var length = (ulong)module.Bytes.Length;
            CheckPlacement(memory, $"module {module.Name} ({length} bytes)", cursor, Math.Max(length, 1));
            memory.TryWrite(cursor, module.Bytes.Span);
            placed.Add(new MultibootInformation.PlacedModule((uint)cursor, (uint)(cursor + length), module.CommandLine));
            cursor = AlignUp(cursor + length);
        }

        if (cursor >= FourGiB)
            throw new BootImageException($"{Description}: no room below 4 GiB for the multiboot information after the kernel and modules");
        var info = MultibootInformation.Build((uint)cursor, memory, _commandLine, placed);
        CheckPlacement(memory, $"the multiboot information ({info.Length} bytes)", cursor, (ulong)info.Length);
        memory.TryWrite(cursor, info);

        // 3.2: ESP is undefined at entry; the kernel sets its own stack before using one.
        return new VcpuBootState(CpuMode.Protected32, _layout.Entry)
        {
            Rax = BootloaderMagic,
            Rbx = cursor,
        };
    }

    private void CheckPlacement(GuestMemory memory, string what, ulong address, ulong length)
    {
        var end = address + length;
        if (end > FourGiB)
            throw new BootImageException($"{Description}: {what} at 0x{address:x} would end above 4 GiB, out of a 32-bit kernel's reach");
        if (address < MultibootMemoryMap.KvmReservedEnd && MultibootMemoryMap.KvmReservedStart < end)
            throw new BootImageException($"{Description}: {what} at 0x{address:x}-0x{end - 1:x} overlaps the pages reserved for KVM at 0x{MultibootMemoryMap.KvmReservedStart:x}-0x{MultibootMemoryMap.KvmReservedEnd - 1:x}");
        if (!memory.IsRam(address, length))
            throw new BootImageException($"{Description}: {what} at 0x{address:x}-0x{end - 1:x} is outside guest RAM ({DescribeRam(memory)}); link it lower or give the VM more memory");
    }

    private static void Clear(GuestMemory memory, ulong address, ulong length)
    {
        while (length > 0)
        {
            var chunk = (int)Math.Min(length, 1UL << 30);
            memory.GetSpan(address, chunk).Clear();
            address += (ulong)chunk;
            length -= (ulong)chunk;
        }
    }

    private static string DescribeRam(GuestMemory memory) =>
        string.Join(", ", memory.Regions.Select(r => $"0x{r.GuestAddress:x}-0x{r.End - 1:x}"));

    private static ulong AlignUp(ulong value) => (value + PageSize - 1) & ~(PageSize - 1);
}
