using Vmm.Core.Hypervisor;
using Vmm.Kvm.Tests.Guests;

namespace Vmm.Kvm.Tests;

public sealed class KvmHypervisorTests
{
    [Fact]
    public void IsAvailable_gives_a_reason_exactly_when_kvm_cannot_be_used()
    {
        bool available = KvmHypervisor.IsAvailable(out string reason);

        if (available)
        {
            Assert.Empty(reason);
        }
        else
        {
            Assert.NotEmpty(reason);
            Assert.Throws<KvmException>(() => new KvmHypervisor().Dispose());
        }
    }

    [Fact]
    public void Hypervisor_reports_its_name_and_vcpu_limits()
    {
        KvmRequirement.SkipUnlessAvailable();
        using var kvm = new KvmHypervisor();
        IHypervisor hypervisor = kvm;

        Assert.Equal("kvm", hypervisor.Name);
        Assert.InRange(hypervisor.RecommendedVcpus, 1, hypervisor.MaxVcpus);
        Assert.True(kvm.VcpuMmapSize >= 4096, $"kvm_run mapping of {kvm.VcpuMmapSize} bytes");
    }

    [Fact]
    public void Vm_outlives_the_hypervisor_that_created_it()
    {
        KvmRequirement.SkipUnlessAvailable();
        KvmVirtualMachine vm;
        using (var kvm = new KvmHypervisor())
            vm = kvm.CreateVirtualMachine();

        using (vm)
        {
            vm.AddRam(0, 0x1000);
            using KvmVcpu vcpu = vm.CreateVcpu(0);
            Assert.Equal(0, vcpu.Id);
        }
    }
}
