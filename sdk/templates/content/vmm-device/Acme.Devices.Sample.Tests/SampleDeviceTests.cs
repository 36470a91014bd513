using Vmm.Core;
using Vmm.Sdk.Testing;

namespace Acme.Devices.Sample.Tests;

/// <summary>
/// The device driven the way a guest driver drives it, through a TestVm built like a real VM: the plugin, the
/// instance's options, the bus and the exit pipeline. Every access a test makes is a full VM exit, without KVM.
/// </summary>
public sealed class SampleDeviceTests
{
#if (IsMmio)
    private const ulong Base = 0xd000_0000;
    private const ulong Counter = Base + SampleDevice.CounterOffset;
    private const ulong Doorbell = Base + SampleDevice.DoorbellOffset;
    private const ulong PastTheEnd = Base + SampleDevice.RegionSize;
#else
    private const ushort Base = 0x300;
    private const ushort Counter = (ushort)(Base + SampleDevice.CounterOffset);
    private const ushort Doorbell = (ushort)(Base + SampleDevice.DoorbellOffset);
    private const ushort PastTheEnd = (ushort)(Base + SampleDevice.RegisterCount);
#endif
    private const int Irq = 5;

    // Defaults for every option not given; an access no device claims fails the test instead of reading all-ones.
    private static TestVm Create(object? options = null) => TestVm.Create(b => b
        .AddPlugin<SamplePlugin>()
        .AddDevice(SamplePlugin.DeviceTypeName, options)
        .WithUnhandledAccess(UnhandledAccessPolicy.Fail));

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x5a)]
    [InlineData(0xff)]
    public void The_counter_reads_back_what_was_written(byte value)
    {
        using var vm = Create();

        vm.Out8(Counter, value);

        Assert.Equal(value, vm.In8(Counter));
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(5, 15)]
    [InlineData(100, 44)]   // 300 wraps: the counter is 8 bits wide
    public void Each_doorbell_write_adds_step_to_the_counter(byte step, byte expected)
    {
        using var vm = Create(new { Step = step });

        for (var ring = 0; ring < 3; ring++)
            vm.Out8(Doorbell, 1);

        Assert.Equal(expected, vm.In8(Counter));
    }

    [Fact]
    public void A_doorbell_raises_the_interrupt_until_status_is_read()
    {
        using var vm = Create();
        var irq = vm.Irq(Irq);
        Assert.False(irq.IsRaised);

        vm.Out8(Doorbell, 1);
        Assert.True(irq.IsRaised);

        Assert.Equal(SampleDevice.InterruptPending, vm.In8(Doorbell));    // STATUS: pending, and the read acknowledges
        Assert.False(irq.IsRaised);
        Assert.Equal(0, vm.In8(Doorbell));                                // nothing pending any more
        Assert.Equal(new[] { InterruptLineChange.Raised, InterruptLineChange.Lowered }, irq.Log.Select(e => e.Change));
    }

    [Fact]
    public void The_interrupt_goes_to_the_configured_line()
    {
        using var vm = Create(new { Irq = 9 });

        vm.Out8(Doorbell, 1);

        Assert.True(vm.Irq(9).IsRaised);
        Assert.False(vm.Irq(Irq).IsRaised);
    }

    [Theory]
    [InlineData("Step", 0)]
    [InlineData("Irq", -1)]
    [InlineData("Irq", 24)]
    public void Options_out_of_range_are_refused_before_the_vm_runs(string option, int value)
    {
        var error = Assert.ThrowsAny<VmmException>(() => Create(new Dictionary<string, object> { [option] = value }));

        Assert.Contains($"{option} must be", error.Message);
    }

    [Fact]
    public void Accesses_next_to_the_device_are_not_its_own()
    {
        using var vm = Create();

        Assert.Throws<UnhandledAccessException>(() => vm.In8(Base - 1));
        Assert.Throws<UnhandledAccessException>(() => vm.In8(PastTheEnd));
    }

    [Fact]
    public void Wider_accesses_read_zero_and_write_nothing()
    {
        using var vm = Create();
        vm.Out8(Counter, 7);

        vm.Out16(Counter, 0x1234);

        Assert.Equal(0, vm.In16(Counter));
        Assert.Equal(7, vm.In8(Counter));
    }
#if (IsMmio)

    [Fact]
    public void The_rest_of_the_page_reads_zero_and_ignores_writes()
    {
        using var vm = Create();
        vm.Write8(Counter, 7);

        vm.Write8(Base + 0x800, 0xff);

        Assert.Equal(0, vm.Read8(Base + 0x800));
        Assert.Equal(0, vm.Read8(PastTheEnd - 1));
        Assert.Equal(7, vm.Read8(Counter));
        Assert.False(vm.Irq(Irq).IsRaised);
    }
#endif
}
