using Vmm.Boot.Multiboot;
using Vmm.Boot.Tests.Support;

namespace Vmm.Boot.Tests;

public sealed class KernelImageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vmm-boot-tests-").FullName;
    private readonly TestRam _ram = new(8 << 20);

    public void Dispose()
    {
        _ram.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string Write(string name, byte[] bytes)
    {
        File.WriteAllBytes(Path.Combine(_folder, name), bytes);
        return name;
    }

    [Fact]
    public void Picks_multiboot_and_passes_the_file_name_then_the_command_line_as_qemu_does()
    {
        var kernel = Write("k.elf", KernelBuilder.Typical().Build());
        Write("mod.bin", [1, 2, 3]);

        var image = KernelImage.FromFile(kernel, "probe=1 hello", ["mod.bin arg=x"], _folder);
        var info = image.Load(_ram.Memory).Rbx;

        Assert.Equal("multiboot kernel k.elf", image.Description);
        Assert.Equal("k.elf probe=1 hello", _ram.CString(_ram.U32(info + 16)));
        var module = _ram.U32(info + 24);
        Assert.Equal("mod.bin arg=x", _ram.CString(_ram.U32(module + 8)));
        Assert.Equal(new byte[] { 1, 2, 3 }, _ram.Read(_ram.U32(module), 3));
    }

    [Fact]
    public void A_module_whose_whole_name_has_a_space_is_one_file()
    {
        Write("my module.bin", [7]);

        var module = MultibootModule.FromSpec("my module.bin", _folder);

        Assert.Equal("my module.bin", module.Name);
        Assert.Equal(new byte[] { 7 }, module.Bytes.ToArray());
    }

    [Fact]
    public void A_file_without_a_known_header_names_the_supported_protocols()
    {
        var kernel = Write("bzImage", new byte[4096]);

        var ex = Assert.Throws<BootImageException>(() => KernelImage.FromFile(kernel, null, [], _folder));

        Assert.Equal("kernel bzImage: not a kernel vmm can boot: no multiboot header in its first 8192 bytes; supported protocols: multiboot (v1)", ex.Message);
    }

    [Fact]
    public void A_missing_kernel_or_module_is_named()
    {
        var kernel = Write("k.elf", KernelBuilder.Typical().Build());

        Assert.StartsWith("kernel nope.elf: ", Assert.Throws<BootImageException>(() => KernelImage.FromFile("nope.elf", null, [], _folder)).Message);
        Assert.StartsWith("module missing.bin: ", Assert.Throws<BootImageException>(() => KernelImage.FromFile(kernel, null, ["missing.bin args"], _folder)).Message);
    }
}
