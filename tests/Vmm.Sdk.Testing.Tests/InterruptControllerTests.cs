using Vmm.Emulation;
using Vmm.Sdk.Testing.Tests.Devices;

namespace Vmm.Sdk.Testing.Tests;

/// <summary>Scripted tests that never run guest code: a device's line, and what the guest's PIC would make of it.</summary>
public sealed class InterruptControllerTests
{
    private const ushort Probe = 0x100;
    private const ushort Line = Probe + (ushort)ProbeDevice.LineRegister;

    private static TestVm Create(int irq, bool withEmulator) => TestVm.Create(b =>
    {
        b.AddPlugin<KitTestPlugin>().AddDevice("probe", "p", new { Port = Probe, Irq = irq });
        if (!withEmulator)
            b.WithoutGuestExecution();
    });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_raised_line_is_requested_acknowledged_with_its_vector_and_ended_by_the_eoi(bool withEmulator)
    {
        using var vm = Create(5, withEmulator);
        vm.InterruptController.Initialize();
        Assert.False(vm.InterruptController.HasPendingInterrupt);

        vm.Out8(Line, 1);

        Assert.Equal(1 << 5, vm.InterruptController.Requests);
        Assert.Equal(0x25, vm.InterruptController.PendingVector);
        Assert.Equal(0x25, vm.InterruptController.Acknowledge());
        Assert.Equal(1 << 5, vm.InterruptController.InService);
        Assert.Equal(0, vm.InterruptController.Requests);
        vm.InterruptController.EndOfInterrupt(5);
        Assert.Equal(0, vm.InterruptController.InService);
        Assert.False(vm.InterruptController.HasPendingInterrupt);   // edge-triggered: held high, it asked once
        Assert.Equal(1, vm.InterruptController.InterruptsAcknowledged);
        Assert.Equal([InterruptLineChange.Raised], vm.Irq(5).Log.Select(e => e.Change));
    }

    [Fact]
    public void A_masked_line_is_latched_and_delivered_once_unmasked()
    {
        using var vm = Create(5, withEmulator: true);
        vm.InterruptController.Initialize();
        vm.InterruptController.SetMask(1 << 5);

        vm.Out8(Line, 1);
        vm.Out8(Line, 0);

        Assert.Equal(1 << 5, vm.InterruptController.Requests);
        Assert.Equal(-1, vm.InterruptController.PendingVector);
        vm.InterruptController.SetMask(0);
        Assert.Equal(0x25, vm.InterruptController.PendingVector);
    }

    [Fact]
    public void A_slave_irq_comes_through_the_cascade_with_both_in_service_bits()
    {
        using var vm = Create(9, withEmulator: true);
        vm.InterruptController.Initialize(0x30, 0x38);

        vm.Out8(Line, 1);

        Assert.Equal(0x39, vm.InterruptController.Acknowledge());
        Assert.Equal((1 << 9) | (1 << 2), vm.InterruptController.InService);
        vm.InterruptController.EndOfInterrupt(9);
        Assert.Equal(0, vm.InterruptController.InService);
    }

    [Fact]
    public void A_level_triggered_line_still_raised_after_the_eoi_requests_again()
    {
        using var vm = Create(5, withEmulator: true);
        vm.InterruptController.Initialize();
        vm.InterruptController.Write(0x4D0, 1 << 5);   // ELCR1: IRQ 5 level-triggered, as a PCI line routed there is

        vm.Out8(Line, 1);
        Assert.Equal(0x25, vm.InterruptController.Acknowledge());
        vm.InterruptController.EndOfInterrupt(5);
        Assert.Equal(0x25, vm.InterruptController.PendingVector);
        vm.Out8(Line, 0);
        Assert.False(vm.InterruptController.HasPendingInterrupt);
    }

    [Fact]
    public void Device_ports_are_refused_and_a_vm_without_the_chipset_says_why()
    {
        using var vm = Create(5, withEmulator: true);
        Assert.Throws<ArgumentOutOfRangeException>(() => vm.InterruptController.Write(0x3f8, 0));

        using var without = TestVm.Create(b => b.WithGuestHypervisor(() => new EmulatedHypervisor(new EmulatorOptions { LegacyChipset = false })));
        var error = Assert.Throws<InvalidOperationException>(() => without.InterruptController);
        Assert.Contains("LegacyChipset", error.Message);
    }
}
