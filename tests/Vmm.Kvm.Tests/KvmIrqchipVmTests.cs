using Vmm.Kvm.Native;
using Vmm.Kvm.Tests.Guests;

namespace Vmm.Kvm.Tests;

/// <summary>What a VM with the in-kernel irqchip offers: which lines exist, and APs that wait for INIT/SIPI.</summary>
public sealed class KvmIrqchipVmTests : IDisposable
{
    private readonly KvmHypervisor _kvm;
    private readonly KvmVirtualMachine _vm;

    public KvmIrqchipVmTests()
    {
        KvmRequirement.SkipUnlessAvailable();
        _kvm = new KvmHypervisor { InKernelIrqchip = true };
        _vm = _kvm.CreateVirtualMachine();
    }

    public void Dispose()
    {
        _vm?.Dispose();
        _kvm?.Dispose();
    }

    [Fact]
    public void The_vm_has_the_irqchip_and_the_default_vm_does_not()
    {
        using var plain = new KvmHypervisor();
        using var plainVm = plain.CreateVirtualMachine();

        Assert.True(_vm.HasInKernelIrqchip);
        Assert.False(plainVm.HasInKernelIrqchip);
    }

    [Theory]
    [InlineData(24, "the IOAPIC has pins 0-23")]
    [InlineData(2, "the PIC cascade")]
    public void A_gsi_with_no_pin_is_refused_with_the_reason(int gsi, string reason)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _vm.GetInterruptLine(gsi));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Every_isa_and_pci_gsi_can_be_raised_and_lowered()
    {
        foreach (int gsi in Enumerable.Range(0, 24).Where(g => g != 2))
        {
            var line = _vm.GetInterruptLine(gsi);
            line.Raise();
            line.Lower();
            line.Pulse();
            Assert.False(line.IsRaised);
        }
    }

    [Fact]
    public void The_boot_vcpu_is_runnable_and_an_ap_waits_for_init_and_sipi()
    {
        using var bsp = _vm.CreateVcpu(0);
        using var ap = _vm.CreateVcpu(1);

        Assert.Equal(KvmMpState.Runnable, bsp.GetMpState());
        Assert.Equal(KvmMpState.Uninitialized, ap.GetMpState());
    }
}
