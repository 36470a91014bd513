using System.Buffers.Binary;
using System.Text;
using Vmm.Core;
using static Vmm.Devices.FwCfg.Tests.FwCfg;

namespace Vmm.Devices.FwCfg.Tests;

/// <summary>The file directory and named files, from the instance's options and from another plugin.</summary>
public sealed class FileTests
{
    private static readonly object TwoFiles = new
    {
        Files = new object[]
        {
            new { Name = "opt/org.example/zeta", String = "last by name" },
            new { Name = "opt/org.example/alpha", String = "first" },
        },
    };

    [Fact]
    public void The_directory_lists_every_file_sorted_by_name_from_selector_0x20()
    {
        using var vm = Create(TwoFiles, b => b.AddPlugin<GreetingPlugin>());

        Assert.Equal(
            [("opt/org.example/alpha", 5u, (ushort)0x20), ("opt/org.example/greeting", 19u, (ushort)0x21), ("opt/org.example/zeta", 12u, (ushort)0x22)],
            vm.ReadDirectory());
    }

    [Fact]
    public void A_named_file_reads_through_the_data_port()
    {
        using var vm = Create(TwoFiles, b => b.AddPlugin<GreetingPlugin>());
        var greeting = vm.ReadDirectory().Single(entry => entry.Name == GreetingPlugin.FileName);

        Assert.Equal("hello from a plugin", Encoding.UTF8.GetString(vm.ReadItem(greeting.Selector, (int)greeting.Size)));
    }

    [Fact]
    public void A_file_option_takes_the_bytes_of_a_host_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [0x00, 0xff, 0x10, 0x80]);
            using var vm = Create(new { Files = new[] { new { Name = "opt/blob", File = path } } });

            var entry = Assert.Single(vm.ReadDirectory());
            Assert.Equal(new byte[] { 0x00, 0xff, 0x10, 0x80 }, vm.ReadItem(entry.Selector, 4));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void No_files_is_an_empty_directory()
    {
        using var vm = Create();

        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(vm.ReadItem(FileDirectory, 4)));
    }

    [Fact]
    public void A_name_given_twice_is_an_error_naming_both_sources()
    {
        var error = Assert.ThrowsAny<VmmException>(() => Create(
            new { Files = new[] { new { Name = GreetingPlugin.FileName, String = "mine" } } },
            b => b.AddPlugin<GreetingPlugin>()));

        Assert.Contains($"fw_cfg file \"{GreetingPlugin.FileName}\" is given twice: by plugin 'Vmm.Devices.FwCfg.Tests' and by fw-cfg option files[0]", error.Message);
    }

    [Theory]
    [InlineData("opt/a-name-of-fifty-six-bytes-which-is-one-more-than-55x", "String", "x", "is 56 bytes; at most 55")]
    [InlineData("", "String", "x", "needs a name")]
    [InlineData("opt/nothing", null, null, "give either string or file, not neither")]
    public void A_bad_file_option_is_one_clear_error(string name, string? kind, string? value, string expected)
    {
        var file = new Dictionary<string, object?> { ["Name"] = name };
        if (kind is not null)
            file[kind] = value;

        var error = Assert.ThrowsAny<VmmException>(() => Create(new { Files = new[] { file } }));

        Assert.Contains("files[0]", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_missing_host_file_is_one_clear_error()
    {
        var error = Assert.ThrowsAny<VmmException>(() => Create(new { Files = new[] { new { Name = "opt/blob", File = "/nonexistent/blob.bin" } } }));

        Assert.Contains("fw-cfg option files[0] \"opt/blob\": cannot read file \"/nonexistent/blob.bin\"", error.Message);
    }
}
