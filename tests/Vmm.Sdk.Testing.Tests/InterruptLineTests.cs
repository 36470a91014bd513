using Vmm.Sdk.Testing.Tests.Devices;

namespace Vmm.Sdk.Testing.Tests;

public sealed class InterruptLineTests
{
    [Fact]
    public void A_device_timer_runs_on_the_fake_clock_and_the_irq_log_is_stamped_with_it()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().AddDevice("timer", new { Port = 0x40, Irq = 0 }));

        vm.Out8(0x40, 10);                                  // arm: fire in 10 ms
        vm.Clock.Advance(TimeSpan.FromMilliseconds(9));
        Assert.False(vm.Irq(0).IsRaised);
        vm.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(vm.Irq(0).IsRaised);
        vm.Clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, vm.In8(0x40));                      // acknowledge: lowers the line

        Assert.False(vm.Irq(0).IsRaised);
        Assert.Equal(
            [new(InterruptLineChange.Raised, vm.Clock.Start.AddMilliseconds(10), TimeSpan.FromMilliseconds(10)),
             new InterruptLineEvent(InterruptLineChange.Lowered, vm.Clock.Start.AddMilliseconds(15), TimeSpan.FromMilliseconds(15))],
            vm.Irq(0).Log);
    }

    [Fact]
    public void The_line_a_device_is_given_is_the_one_the_test_sees()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().AddDevice("probe", "p", new { Irq = 9 }));

        vm.Out8(0x100 + (ushort)ProbeDevice.LineRegister, 1);
        vm.Out8(0x100 + (ushort)ProbeDevice.LineRegister, 0);
        vm.Out8(0x100 + (ushort)ProbeDevice.LineRegister, 1);

        Assert.True(vm.Irq(9).IsRaised);
        Assert.Equal(2, vm.Irq(9).RaiseCount);
        Assert.Equal([InterruptLineChange.Raised, InterruptLineChange.Lowered, InterruptLineChange.Raised], vm.Irq(9).Log.Select(e => e.Change));
        Assert.Empty(vm.Irq(4).Log);
    }

    [Fact]
    public void A_pulse_is_logged_as_a_raise_and_a_lower_and_leaves_the_line_low()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>());
        IInterruptLine line = vm.Irq(3);

        line.Pulse();

        Assert.False(vm.Irq(3).IsRaised);
        Assert.Equal([InterruptLineChange.Raised, InterruptLineChange.Lowered], vm.Irq(3).Log.Select(e => e.Change));
    }
}
