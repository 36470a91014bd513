using Vmm.Boot.Multiboot;
using Vmm.Boot.Tests.Support;
using Vmm.Core.Hypervisor;

namespace Vmm.Boot.Tests;

public sealed class MultibootLoadTests : IDisposable
{
    private const ulong RamSize = 8 << 20;
    private readonly TestRam _ram = new(RamSize);

    public void Dispose() => _ram.Dispose();

    private static MultibootModule Module(string name, int length, byte seed, string? commandLine = null) =>
        new(name, Enumerable.Range(0, length).Select(i => (byte)(i ^ seed)).ToArray(), commandLine ?? name);

    [Fact]
    public void Elf_segments_land_at_their_physical_addresses_with_zero_filled_bss()
    {
        var builder = KernelBuilder.Typical();
        var image = builder.Build();

        MultibootImage.FromBytes("k", image, "k").Load(_ram.Memory);

        Assert.Equal(builder.Segments[0].Data[12..], _ram.Read(0x10000c, 0x300 - 12));
        Assert.Equal(image.AsSpan(KernelBuilder.ElfHeaderSize + 2 * KernelBuilder.ProgramHeaderSize, 12).ToArray(), _ram.Read(0x100000, 12));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, _ram.Read(0x101000, 4));
        Assert.All(_ram.Read(0x101004, 0x2000 - 4), b => Assert.Equal(0, b));
        // Between the segments nothing was written.
        Assert.All(_ram.Read(0x100300, 0xD00), b => Assert.Equal(TestRam.Fill, b));
    }

    [Fact]
    public void Enters_32_bit_protected_mode_with_the_magic_in_eax_and_the_information_in_ebx()
    {
        var state = MultibootImage.FromBytes("k", KernelBuilder.Typical().Build(), "k").Load(_ram.Memory);

        Assert.Equal(CpuMode.Protected32, state.Mode);
        Assert.Equal(0x100010UL, state.EntryPoint);
        Assert.Equal(0x2BADB002UL, state.Rax);
        Assert.NotEqual(0UL, state.Rbx);
        Assert.Equal(0UL, state.Rbx % 4096);
        // The information comes after the kernel's bss (0x101000 + 0x2000).
        Assert.True(state.Rbx >= 0x103000, $"info at 0x{state.Rbx:x} overlaps the kernel");
    }

    [Fact]
    public void Entry_is_translated_from_virtual_to_physical_for_a_kernel_linked_high()
    {
        var builder = new KernelBuilder { Entry = 0xC0100020 };
        builder.Segments.Add(new KernelBuilder.Segment(0xC0100000, 0x100000, new byte[0x100], 0x100));

        var state = MultibootImage.FromBytes("k", builder.Build(), "k").Load(_ram.Memory);

        Assert.Equal(0x100020UL, state.EntryPoint);
    }

    [Fact]
    public void Information_has_memory_command_line_modules_map_and_loader_name()
    {
        var state = MultibootImage.FromBytes("k", KernelBuilder.Typical().Build(), "k probe=1 hello").Load(_ram.Memory);
        var info = state.Rbx;

        // 3.3: bits 0 (mem), 2 (cmdline), 3 (mods), 6 (mmap), 9 (boot_loader_name); 1 (boot_device) absent.
        Assert.Equal((1u << 0) | (1u << 2) | (1u << 3) | (1u << 6) | (1u << 9), _ram.U32(info));
        Assert.Equal(640u, _ram.U32(info + 4));
        Assert.Equal((uint)((RamSize >> 10) - 1024), _ram.U32(info + 8));
        Assert.Equal(0u, _ram.U32(info + 12));
        Assert.Equal("k probe=1 hello", _ram.CString(_ram.U32(info + 16)));
        Assert.Equal(0u, _ram.U32(info + 20));
        Assert.Equal("vmm", _ram.CString(_ram.U32(info + 64)));
    }

    [Fact]
    public void Memory_map_reports_low_ram_the_legacy_hole_ram_from_1_MiB_and_the_KVM_pages()
    {
        var info = MultibootImage.FromBytes("k", KernelBuilder.Typical().Build(), "k").Load(_ram.Memory).Rbx;

        Assert.Equal(
            [(0UL, 0xA0000UL, 1u), (0xA0000UL, 0x60000UL, 2u), (0x100000UL, RamSize - 0x100000, 1u), (0xFFFBC000UL, 0x4000UL, 2u)],
            ReadMap(info));
    }

    [Fact]
    public void Memory_map_includes_ram_above_4_GiB()
    {
        using var ram = new TestRam(2 << 20).Add(0x1_0000_0000, 1 << 20);

        var info = MultibootImage.FromBytes("k", KernelBuilder.Typical().Build(), "k").Load(ram.Memory).Rbx;

        Assert.Equal(1024u, ram.U32(info + 8));
        Assert.Contains((0x1_0000_0000UL, 0x10_0000UL, 1u), ReadMap(info, ram));
    }

    [Fact]
    public void Modules_are_page_aligned_after_the_kernel_with_their_strings_and_the_information_after_them()
    {
        var modules = new[] { Module("a.bin", 5000, 0x5A, "a.bin arg=1"), Module("b.bin", 3, 0x11) };

        var info = MultibootImage.FromBytes("k", KernelBuilder.Typical().Build(), "k", modules).Load(_ram.Memory).Rbx;

        Assert.Equal(2u, _ram.U32(info + 20));
        var list = _ram.U32(info + 24);
        uint previousEnd = 0x103000;
        for (var i = 0; i < modules.Length; i++)
        {
            var start = _ram.U32(list + 16 * (uint)i);
            var end = _ram.U32(list + 16 * (uint)i + 4);
            Assert.Equal(0u, start % 4096);
            Assert.True(start >= previousEnd, $"module {i} at 0x{start:x} overlaps what is before it");
            Assert.Equal((uint)modules[i].Bytes.Length, end - start);
            Assert.Equal(modules[i].Bytes.ToArray(), _ram.Read(start, modules[i].Bytes.Length));
            Assert.Equal(modules[i].CommandLine, _ram.CString(_ram.U32(list + 16 * (uint)i + 8)));
            previousEnd = end;
        }
        Assert.True(info >= previousEnd, "the information overlaps a module");
    }

    [Fact]
    public void Video_flag_is_accepted_and_no_video_information_is_passed()
    {
        var builder = KernelBuilder.Typical();
        builder.MultibootFlags = 0x7;

        var info = MultibootImage.FromBytes("k", builder.Build(), "k").Load(_ram.Memory).Rbx;

        Assert.Equal(0u, _ram.U32(info) & ((1u << 11) | (1u << 12)));
    }

    [Fact]
    public void Header_may_sit_anywhere_32_bit_aligned_in_the_first_8_KiB()
    {
        var builder = KernelBuilder.Typical();
        builder.HeaderOffsetInSegment = 0x200;

        var state = MultibootImage.FromBytes("k", builder.Build(), "k").Load(_ram.Memory);

        Assert.Equal(0x100010UL, state.EntryPoint);
    }

    [Fact]
    public void Address_fields_load_the_file_from_load_addr_with_bss_and_their_entry()
    {
        // 16 bytes of text before the header; header_addr - load_addr = 16 puts file offset 0 at load_addr.
        var body = Enumerable.Range(0, 100).Select(i => (byte)(i + 1)).ToArray();
        var image = KernelBuilder.Aout(0x200010, 0x200000, 0x200010 + 32 + 100, 0x201000, 0x200040, body, prefix: 16);

        var state = MultibootImage.FromBytes("k", image, "k").Load(_ram.Memory);

        Assert.Equal(0x200040UL, state.EntryPoint);
        Assert.Equal(image, _ram.Read(0x200000, image.Length));
        Assert.All(_ram.Read(0x200000 + (ulong)image.Length, 0x1000 - image.Length), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Address_fields_with_zero_load_end_and_bss_end_load_the_rest_of_the_file()
    {
        var body = new byte[] { 9, 8, 7 };
        var image = KernelBuilder.Aout(0x300000, 0x300000, 0, 0, 0x300020, body);

        MultibootImage.FromBytes("k", image, "k").Load(_ram.Memory);

        Assert.Equal(image, _ram.Read(0x300000, image.Length));
        Assert.Equal(TestRam.Fill, _ram.Read(0x300000 + (ulong)image.Length, 1)[0]);
    }

    [Fact]
    public void Address_fields_win_over_the_elf_headers_when_flag_16_is_set()
    {
        // An ELF64 file (which multiboot v1 cannot load as ELF) booted through its address fields, as 64-bit
        // kernels with a 32-bit multiboot stub are.
        var elf = new byte[64];
        elf[0] = 0x7F;
        elf[1] = (byte)'E';
        elf[2] = (byte)'L';
        elf[3] = (byte)'F';
        elf[4] = 2;
        byte[] withElf = [.. elf, .. KernelBuilder.Header(0x10000, 0, 0x100040, 0x100000, 0, 0x110000, 0x100060), .. new byte[64]];

        var state = MultibootImage.FromBytes("k", withElf, "k").Load(_ram.Memory);

        Assert.Equal(0x100060UL, state.EntryPoint);
        Assert.Equal(withElf, _ram.Read(0x100000, withElf.Length));
    }

    [Fact]
    public void Loading_again_after_a_reset_clears_what_the_previous_boot_left_in_the_bss()
    {
        var image = MultibootImage.FromBytes("k", KernelBuilder.Typical().Build(), "k");
        image.Load(_ram.Memory);
        _ram.Memory.TryWrite(0x101800, [0xEE, 0xEE]);

        image.Load(_ram.Memory);

        Assert.Equal(new byte[] { 0, 0 }, _ram.Read(0x101800, 2));
    }

    private List<(ulong Base, ulong Length, uint Type)> ReadMap(ulong info) => ReadMap(info, _ram);

    private static List<(ulong Base, ulong Length, uint Type)> ReadMap(ulong info, TestRam ram)
    {
        var length = ram.U32(info + 44);
        var address = (ulong)ram.U32(info + 48);
        var entries = new List<(ulong, ulong, uint)>();
        for (var at = address; at < address + length;)
        {
            var size = ram.U32(at);
            Assert.Equal(20u, size);
            entries.Add((ram.U64(at + 4), ram.U64(at + 12), ram.U32(at + 20)));
            at += size + 4;
        }
        return entries;
    }
}
