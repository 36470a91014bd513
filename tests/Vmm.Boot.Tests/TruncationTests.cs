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
}
