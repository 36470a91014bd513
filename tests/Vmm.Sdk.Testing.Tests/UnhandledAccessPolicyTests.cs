using Vmm.Sdk.Testing.Tests.Devices;

namespace Vmm.Sdk.Testing.Tests;

public sealed class UnhandledAccessPolicyTests
{
    [Fact]
    public void By_default_an_unclaimed_access_reads_all_ones_as_in_production()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>());

        Assert.Equal(0xff, vm.In8(0x3ff));
        Assert.Equal(0xffff, vm.In16(0x3ff));
        Assert.Equal(0xffff_ffffu, vm.In32(0x3ff));
        Assert.Equal(ulong.MaxValue, vm.Read64(0xfee0_0000));
        vm.Out8(0x3ff, 1);
        Assert.Equal(5, vm.Vm.Unclaimed.Count);
    }

    [Theory]
    [InlineData("in8", "unhandled IoIn at port 0x3ff, 1 byte: no device claims it")]
    [InlineData("out16", "unhandled IoOut at port 0x3fe, 2 bytes: no device claims it")]
    [InlineData("outs", "unhandled IoOut at port 0x3fd, 3 × 1 byte: no device claims it")]
    [InlineData("read64", "unhandled MmioRead at 0xfee00000, 8 bytes: no device claims it")]
    [InlineData("write32", "unhandled MmioWrite at 0xfec00010, 4 bytes: no device claims it")]
    public void With_policy_fail_the_scripted_call_throws_naming_the_access(string access, string expected)
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().WithUnhandledAccess(UnhandledAccessPolicy.Fail));

        var error = Assert.Throws<UnhandledAccessException>(() =>
        {
            switch (access)
            {
                case "in8": vm.In8(0x3ff); break;
                case "out16": vm.Out16(0x3fe, 1); break;
                case "outs": vm.OutString(0x3fd, [1, 2, 3]); break;
                case "read64": vm.Read64(0xfee0_0000); break;
                case "write32": vm.Write32(0xfec0_0010, 1); break;
            }
        });

        Assert.StartsWith(expected, error.Message);
        Assert.Contains("UnhandledAccessPolicy.Fail", error.Message);
    }

    [Fact]
    public void With_policy_fail_the_exception_carries_the_access()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().WithUnhandledAccess(UnhandledAccessPolicy.Fail));

        var error = Assert.Throws<UnhandledAccessException>(() => vm.In16(0x80));

        Assert.Equal((ExitKind.IoIn, 0x80ul, 2, 1), (error.Kind, error.Address, error.Size, error.Count));
    }

    [Fact]
    public void With_policy_fail_claimed_accesses_pass_and_the_policy_can_be_switched()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().AddDevice("probe", "p").WithUnhandledAccess(UnhandledAccessPolicy.Fail));

        vm.Out8(0x100, 1);
        vm.UnhandledAccess = UnhandledAccessPolicy.AllOnes;

        Assert.Equal(0xff, vm.In8(0x200));
    }
}
