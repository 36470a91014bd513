using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;
using Vmm.Kvm.Tests.Guests;

namespace Vmm.Kvm.Tests;

/// <summary>RAM, vCPU and interrupt-line bookkeeping of a real KVM VM.</summary>
public sealed class KvmVirtualMachineTests : IDisposable
{
    private readonly KvmHypervisor _kvm;
    private readonly KvmVirtualMachine _vm;

    public KvmVirtualMachineTests()
    {
        KvmRequirement.SkipUnlessAvailable();
        _kvm = new KvmHypervisor();
        _vm = _kvm.CreateVirtualMachine();
    }

    public void Dispose()
    {
        _vm?.Dispose();
        _kvm?.Dispose();
    }

    [Fact]
    public void AddRam_gives_zeroed_writable_memory_at_the_guest_address()
    {
        GuestMemoryRegion ram = _vm.AddRam(0x10_0000, 0x2_0000);

        Assert.Equal(0x10_0000ul, ram.GuestAddress);
        Assert.Equal(0x2_0000ul, ram.Size);
        Assert.All(ram.Slice(0x10_0000, 0x2_0000).ToArray(), b => Assert.Equal(0, b));
        ram.Slice(0x11_FFFF, 1)[0] = 0xAB;
        Assert.Equal(0xAB, ram.Slice(0x11_FFFF, 1)[0]);
        Assert.Same(ram, Assert.Single(_vm.MemoryRegions));
    }

    [Theory]
    [InlineData(0x1001ul, 0x1000ul)]
    [InlineData(0x1000ul, 0x1001ul)]
    public void AddRam_refuses_unaligned_regions(ulong address, ulong size) =>
        Assert.Throws<ArgumentException>(() => _vm.AddRam(address, size));

    [Fact]
    public void AddRam_refuses_an_overlap_and_names_the_existing_region()
    {
        _vm.AddRam(0, 0x10_0000);

        var error = Assert.Throws<ArgumentException>(() => _vm.AddRam(0xF_F000, 0x2000));

        Assert.Contains("overlaps RAM 0x0-0xfffff", error.Message);
    }

    [Fact]
    public void AddRam_refuses_the_pages_reserved_for_the_kvm_tss_and_identity_map()
    {
        var error = Assert.Throws<ArgumentException>(() => _vm.AddRam(0xFFF0_0000, 0x10_0000));

        Assert.Contains("TSS", error.Message);
    }

    [Fact]
    public void CreateVcpu_refuses_ids_at_or_above_MaxVcpus_naming_the_limit()
    {
        var error = Assert.Throws<HypervisorException>(() => _vm.CreateVcpu(_vm.MaxVcpus));

        Assert.Contains($"{_vm.MaxVcpus} vCPUs", error.Message);
        Assert.Contains("KVM_CAP_MAX_VCPUS", error.Message);
    }

    [Fact]
    public void CreateVcpu_refuses_an_id_already_in_use()
    {
        using KvmVcpu first = _vm.CreateVcpu(0);

        var error = Assert.Throws<HypervisorException>(() => _vm.CreateVcpu(0));

        Assert.Contains("vCPU 0 already exists", error.Message);
    }

    [Fact]
    public void Bad_special_registers_throw_a_KvmException_naming_the_ioctl_and_errno()
    {
        using KvmVcpu vcpu = _vm.CreateVcpu(0);
        var sregs = vcpu.GetSpecialRegisters();
        sregs.Cr0 = 1ul << 31; // paging without protection: invalid (Intel SDM Vol. 3A 2.5)

        var error = Assert.Throws<KvmException>(() => vcpu.SetSpecialRegisters(sregs));

        Assert.Equal("KVM_SET_SREGS", error.Operation);
        Assert.Equal(22, error.Errno);
        Assert.StartsWith("KVM_SET_SREGS failed: EINVAL (", error.Message);
    }

    [Fact]
    public void GetInterruptLine_returns_one_line_per_gsi()
    {
        Assert.Same(_vm.GetInterruptLine(4), _vm.GetInterruptLine(4));
        Assert.NotSame(_vm.GetInterruptLine(4), _vm.GetInterruptLine(3));
        Assert.Equal(4, _vm.GetInterruptLine(4).Gsi);
        Assert.Throws<ArgumentOutOfRangeException>(() => _vm.GetInterruptLine(-1));
    }
}
