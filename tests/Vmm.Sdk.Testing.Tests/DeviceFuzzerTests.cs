using System.Text.RegularExpressions;
using Vmm.Sdk.Testing.Tests.Devices;

namespace Vmm.Sdk.Testing.Tests;

public sealed partial class DeviceFuzzerTests
{
    [Fact]
    public void The_fuzzer_finds_a_planted_bug_and_shrinks_it_to_a_scripted_test()
    {
        var fuzzer = DeviceFuzzer.For(b => b.AddPlugin<KitTestPlugin>().AddDevice("indexed", "idx", new { Port = 0x90 }));

        var error = Assert.Throws<DeviceFuzzException>(() => fuzzer.Run(iterations: 500, seed: null));
        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);

        // The minimal failure: set the index past the array, then touch the data register.
        Assert.Equal(2, error.Operations.Count);
        Assert.Matches(@"^vm\.Out(8|16|32|String)\(0x90, ", error.Operations[0].ToCSharp());
        Assert.Matches(@"^(_ = )?vm\.(In|Out)(8|16|32)\(0x91", error.Operations[1].ToCSharp());
        Assert.Contains("IndexOutOfRangeException", error.Message);
        Assert.Contains("device \"idx\" (indexed) threw", error.Message);
        Assert.Contains(error.ScriptedTest, error.Message);
        Assert.NotNull(error.Seed);
        Assert.Contains($"Run(seed: \"{error.Seed}\")", error.Message);

        // Ready to paste: a VM, then one scripted call per line, the failing one marked.
        var lines = error.ScriptedTest.Split('\n');
        Assert.Contains("using var vm = TestVm.Create(", lines[1]);
        Assert.All(lines[2..], line => Assert.Matches(ScriptedLine(), line));
        Assert.Contains("// fails: device \"idx\" (indexed) threw IndexOutOfRangeException", lines[^1]);
    }

    [Fact]
    public void The_shrunk_sequence_fails_again_when_replayed()
    {
        var error = Assert.Throws<DeviceFuzzException>(() =>
            DeviceFuzzer.For(b => b.AddPlugin<KitTestPlugin>().AddDevice("indexed", "idx", new { Port = 0x90 })).Run(iterations: 500));

        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().AddDevice("indexed", "idx", new { Port = 0x90 }));
        Assert.Throws<DeviceFaultException>(() =>
        {
            foreach (var operation in error.Operations)
                operation.Apply(vm);
        });
    }

    [Fact]
    public void A_seed_reproduces_the_same_shrunk_sequence()
    {
        var fuzzer = DeviceFuzzer.For(b => b.AddPlugin<KitTestPlugin>().AddDevice("indexed", "idx", new { Port = 0x90 }));
        var first = Assert.Throws<DeviceFuzzException>(() => fuzzer.Run(iterations: 500));

        var again = Assert.Throws<DeviceFuzzException>(() => fuzzer.Run(iterations: 1, seed: first.Seed, threads: 1));

        // The seed's sequence fails at once; shrinking from it can only keep or shorten it.
        Assert.Equal(first.InnerException!.GetType(), again.InnerException!.GetType());
        Assert.InRange(again.Operations.Count, 2, first.Operations.Count);
    }

    [Fact]
    public void A_device_that_hangs_is_reported_with_the_operation_that_did_not_return()
    {
        var fuzzer = DeviceFuzzer.For(b => b.AddPlugin<KitTestPlugin>().AddDevice("hanging", "h", new { Port = 0xa0 }))
            .WithOperationTimeout(TimeSpan.FromMilliseconds(500));

        var error = Assert.Throws<DeviceFuzzException>(() => fuzzer.Run(iterations: 100));

        Assert.Contains("did not return within 0.5 s (a device hangs)", error.Message);
        Assert.Matches(@"vm\.Out(8|16|32|String)\(0xa1", error.Operations[^1].ToCSharp());
        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public void A_device_writing_past_guest_ram_is_caught_by_the_guard_bytes()
    {
        var fuzzer = DeviceFuzzer.For(b => b.AddPlugin<KitTestPlugin>().AddDevice("scribbler", "s", new { Port = 0xb0 }));

        var error = Assert.Throws<DeviceFuzzException>(() => fuzzer.Run(iterations: 100));

        Assert.Contains("a device wrote outside guest RAM", error.Message);
        Assert.Contains("the byte 1 past the end of guest RAM", error.Message);
    }

    [Fact]
    public void A_sound_device_survives_and_the_report_says_how_much_ran()
    {
        var report = DeviceFuzzer.For(b => b.AddPlugin<KitTestPlugin>().AddDevice("probe", "p", new { Port = 0x100, Mmio = 0xd000_0000 }))
            .Target("p")
            .Run(iterations: 100);

        Assert.Equal(100, report.Sequences);
        Assert.True(report.Operations >= 100);
        Assert.True(report.DeviceAccesses > 0);
        Assert.Equal("port 0x100-0x107, mmio 0xd0000000-0xd00000ff", report.Targets);
    }

    [Fact]
    public void An_unknown_target_is_an_error_before_anything_runs()
    {
        var fuzzer = DeviceFuzzer.For(b => b.AddPlugin<KitTestPlugin>().AddDevice("probe", "p")).Target("q");

        var error = Assert.Throws<ArgumentException>(() => fuzzer.Run());

        Assert.Contains("no device named \"q\"", error.Message);
    }

    [GeneratedRegex(@"^    (_ = )?vm\.[A-Za-z0-9]+(\(""[a-z0-9]+""\)\.Input\.Write|\.Advance)?\(.*\);( // fails: .*)?$")]
    private static partial Regex ScriptedLine();
}
