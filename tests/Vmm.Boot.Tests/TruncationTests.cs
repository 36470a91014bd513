using Vmm.Boot.Multiboot;
using Vmm.Boot.Tests.Support;

namespace Vmm.Boot.Tests;

/// <summary>A kernel cut at any length loads or fails with one <see cref="BootImageException"/>, never anything else.</summary>
public sealed class TruncationTests
{
    public static TheoryData<string> Images => ["elf", "aout"];

    [Theory]
    [MemberData(nameof(Images))]
    public void Every_prefix_of_a_valid_image_loads_or_fails_cleanly(string kind)
    {
        var image = kind == "elf"
            ? KernelBuilder.Typical().Build()
            : KernelBuilder.Aout(0x100010, 0x100000, 0x100000 + 16 + 32 + 200, 0x102000, 0x100030, new byte[200], prefix: 16);
        using var ram = new TestRam(4 << 20);
        var failures = 0;
        for (var length = 0; length <= image.Length; length++)
        {
            try
            {
                var state = MultibootImage.FromBytes("cut", image[..length], "cut").Load(ram.Memory);
                Assert.Equal(0x2BADB002UL, state.Rax);
            }
            catch (BootImageException ex)
            {
                Assert.DoesNotContain('\n', ex.Message);
                failures++;
            }
        }
        // Every proper prefix misses a byte the image needs; only the whole image loads.
        Assert.Equal(image.Length, failures);
    }

    /// <summary>
    /// Random bytes written over the headers (ELF header, program headers, multiboot header) of a valid image, with
    /// a fixed seed: every result is a load or one <see cref="BootImageException"/>.
    /// </summary>
    [Theory]
    [MemberData(nameof(Images))]
    public void Corrupted_headers_load_or_fail_cleanly(string kind)
    {
        var original = kind == "elf"
            ? KernelBuilder.Typical().Build()
            : KernelBuilder.Aout(0x100010, 0x100000, 0x100000 + 16 + 32 + 200, 0x102000, 0x100030, new byte[200], prefix: 16);
        var headerEnd = kind == "elf" ? KernelBuilder.ElfHeaderSize + 2 * KernelBuilder.ProgramHeaderSize + 12 : 48;
        using var ram = new TestRam(4 << 20);
        var random = new Random(6);
        int loaded = 0, refused = 0;
        for (var round = 0; round < 3000; round++)
        {
            var image = (byte[])original.Clone();
            for (var n = random.Next(1, 4); n > 0; n--)
                image[random.Next(headerEnd)] = (byte)random.Next(256);
            // Keep the checksum right half the time, so the layout code behind it is reached.
            if (round % 2 == 0)
                FixChecksum(image);
            try
            {
                MultibootImage.FromBytes("fuzz", image, "fuzz").Load(ram.Memory);
                loaded++;
            }
            catch (BootImageException ex)
            {
                Assert.DoesNotContain('\n', ex.Message);
                refused++;
            }
        }
        Assert.True(loaded > 0 && refused > 0, $"loaded {loaded}, refused {refused}: the corruption did not exercise both paths");
    }

    private static void FixChecksum(byte[] image)
    {
        for (var offset = 0; offset + 12 <= image.Length; offset += 4)
        {
            if (BitConverter.ToUInt32(image, offset) != KernelBuilder.Magic)
                continue;
            var flags = BitConverter.ToUInt32(image, offset + 4);
            BitConverter.GetBytes(unchecked(0u - KernelBuilder.Magic - flags)).CopyTo(image, offset + 8);
            return;
        }
    }
}
