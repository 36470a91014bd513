using Vmm.Boot.Multiboot;
using Vmm.Boot.Tests.Support;

namespace Vmm.Boot.Tests;

public sealed class MultibootErrorTests : IDisposable
{
    private readonly TestRam _ram = new(4 << 20);

    public void Dispose() => _ram.Dispose();

    private string LoadError(byte[] image)
    {
        var ex = Assert.Throws<BootImageException>(() => MultibootImage.FromBytes("probe.elf", image, "probe.elf").Load(_ram.Memory));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains("probe.elf", ex.Message);
        return ex.Message;
    }

    private static byte[] Typical(Action<KernelBuilder> change)
    {
        var builder = KernelBuilder.Typical();
        change(builder);
        return builder.Build();
    }

    [Fact]
    public void No_header() =>
        Assert.Contains("no multiboot header (magic 0x1BADB002, 32-bit aligned) in the first 8192 bytes", LoadError(new byte[9000]));

    [Fact]
    public void Header_past_the_first_8_KiB_is_not_found()
    {
        var image = new byte[8192 + 64];
        KernelBuilder.Header(0x10000).CopyTo(image, 8192);
        Assert.Contains("no multiboot header", LoadError(image));
    }

    [Fact]
    public void Misaligned_header_is_not_found()
    {
        var image = new byte[256];
        KernelBuilder.Header(0x10000).CopyTo(image, 2);
        Assert.Contains("no multiboot header", LoadError(image));
    }

    [Fact]
    public void Bad_checksum() =>
        Assert.Contains("the multiboot header at offset 0x74 has a bad checksum", LoadError(Typical(b => b.ChecksumAdjust = 1)));

    [Fact]
    public void Unsupported_required_flag() =>
        Assert.Contains("requires features vmm does not provide (flags bits 0x8)", LoadError(Typical(b => b.MultibootFlags = 0x8)));

    [Fact]
    public void Header_cut_inside_the_address_fields()
    {
        byte[] image = [.. new byte[8192 - 20], .. KernelBuilder.Header(0x10000, 0, 1, 2, 3, 4, 5)];
        Assert.Contains("is truncated (flag 16 needs the address fields", LoadError(image));
    }

    [Fact]
    public void Not_elf_without_address_fields()
    {
        byte[] image = [.. KernelBuilder.Header(0x3), .. new byte[100]];
        Assert.Contains("not an ELF file, and its multiboot header has no address fields (flag 16)", LoadError(image));
    }

    [Fact]
    public void Elf64_is_refused() =>
        Assert.Contains("unsupported ELF class 2 (ELF64)", LoadError(Typical(b => b.ElfClass = 2)));

    [Fact]
    public void Other_machines_are_refused() =>
        Assert.Contains("unsupported ELF machine 62; multiboot kernels are i386 (EM_386 = 3)", LoadError(Typical(b => b.Machine = 62)));

    [Fact]
    public void Truncated_elf_header()
    {
        byte[] image = [0x7F, (byte)'E', (byte)'L', (byte)'F', 1, 1, 1, 0, .. KernelBuilder.Header(0x3), .. new byte[8]];
        Assert.Contains("truncated ELF header (28 of 52 bytes)", LoadError(image));
    }

    [Fact]
    public void Truncated_program_header_table()
    {
        var image = Typical(_ => { });
        image[44] = 200;
        Assert.Contains("truncated ELF program header table", LoadError(image));
    }

    [Fact]
    public void Truncated_segment()
    {
        var image = Typical(_ => { });
        Assert.Contains("truncated ELF segment 1", LoadError(image[..^2]));
    }

    [Fact]
    public void File_size_larger_than_memory_size() =>
        Assert.Contains("ELF segment 1 has p_filesz 0x4 larger than p_memsz 0x2", LoadError(Typical(b => b.Segments[1] = b.Segments[1] with { MemorySize = 2 })));

    [Fact]
    public void No_load_segment() =>
        Assert.Contains("no PT_LOAD segment", LoadError(Typical(b =>
        {
            b.Segments[0] = b.Segments[0] with { Type = 4 };
            b.Segments[1] = b.Segments[1] with { Type = 6 };
        })));

    [Fact]
    public void Entry_outside_the_segments() =>
        Assert.Contains("ELF entry point 0x500000 is outside the loaded segments", LoadError(Typical(b => b.Entry = 0x500000)));

    [Fact]
    public void Segment_above_ram() =>
        Assert.Contains("segment 1 at 0x500000-0x501fff is outside guest RAM (0x0-0x3fffff); link it lower or give the VM more memory",
            LoadError(Typical(b => b.Segments[1] = b.Segments[1] with { VirtualAddress = 0x500000, PhysicalAddress = 0x500000 })));

    [Fact]
    public void Segment_over_the_kvm_pages() =>
        Assert.Contains("overlaps the pages reserved for KVM at 0xfffbc000-0xfffbffff",
            LoadError(Typical(b => b.Segments[1] = b.Segments[1] with { VirtualAddress = 0xFFFBB000, PhysicalAddress = 0xFFFBB000 })));

    [Fact]
    public void Segment_past_4_GiB() =>
        Assert.Contains("runs past 4 GiB",
            LoadError(Typical(b => b.Segments[1] = b.Segments[1] with { VirtualAddress = 0xFFFFF000, PhysicalAddress = 0xFFFFF000 })));

    [Fact]
    public void Module_that_does_not_fit()
    {
        var modules = new[] { new MultibootModule("big.bin", new byte[5 << 20], "big.bin") };
        var ex = Assert.Throws<BootImageException>(() => MultibootImage.FromBytes("k", KernelBuilder.Typical().Build(), "k", modules).Load(_ram.Memory));
        Assert.Contains("module big.bin (5242880 bytes) at 0x103000", ex.Message);
        Assert.Contains("is outside guest RAM", ex.Message);
    }

    [Theory]
    [InlineData(0x100010, 0x100020, 0, 0, 0x100020, "load_addr 0x100020 is above header_addr 0x100010")]
    [InlineData(0x100100, 0x100000, 0, 0, 0x100000, "header_addr 0x100100 - load_addr 0x100000 is more than the header's file offset 0x10")]
    [InlineData(0x100010, 0x100000, 0x100000, 0, 0x100000, "load_end_addr 0x100000 is not above load_addr 0x100000")]
    [InlineData(0x100010, 0x100000, 0x100400, 0, 0x100000, "truncated image: load_addr 0x100000-load_end_addr 0x100400 needs file bytes 0x0-0x3ff, the file has 80")]
    [InlineData(0x100010, 0x100000, 0x100040, 0x100020, 0x100000, "bss_end_addr 0x100020 is below the end of the loaded data 0x100040")]
    [InlineData(0x100010, 0x100000, 0x100040, 0x101000, 0x101000, "entry_addr 0x101000 is outside the loaded image 0x100000-0x100fff")]
    [InlineData(0x100010, 0x100000, 0, 0, 0xFFFFF, "entry_addr 0xfffff is outside the loaded image")]
    public void Bad_address_fields(uint headerAddress, uint loadAddress, uint loadEnd, uint bssEnd, uint entry, string expected) =>
        Assert.Contains(expected, LoadError(KernelBuilder.Aout(headerAddress, loadAddress, loadEnd, bssEnd, entry, new byte[32], prefix: 16)));
}
