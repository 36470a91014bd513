using Vmm.Sdk.Testing.Tests.Devices;

namespace Vmm.Sdk.Testing.Tests;

/// <summary>Production contains a throwing device; the kit still shows the test what it threw.</summary>
public sealed class DeviceFaultTests
{
    [Fact]
    public void A_device_that_throws_fails_the_scripted_access_with_its_exception()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().AddDevice("indexed", "idx", new { Port = 0x90 }));
        vm.Out8(0x90, 0x80);

        var error = Assert.Throws<DeviceFaultException>(() => vm.In8(0x91));

        Assert.IsType<IndexOutOfRangeException>(error.InnerException);
        Assert.Equal(("idx", "indexed", "IoIn at port 0x91, 1 byte"), (error.DeviceName, error.DeviceType, error.During));
        Assert.StartsWith("device \"idx\" (indexed) threw IndexOutOfRangeException on IoIn at port 0x91, 1 byte:", error.Message);
        Assert.True(vm.Slot("idx").IsFaulted);
    }

    [Fact]
    public void Without_throw_on_device_fault_the_production_containment_is_all_there_is()
    {
        using var vm = TestVm.Create(b =>
        {
            b.ThrowOnDeviceFault = false;
            b.AddPlugin<KitTestPlugin>().AddDevice("indexed", "idx", new { Port = 0x90 });
        });
        vm.Out8(0x90, 0x80);

        Assert.Equal(0xff, vm.In8(0x91));   // the faulting read behaves as unclaimed
        Assert.Equal(0xff, vm.In8(0x90));   // and so does every later access to the device

        Assert.IsType<IndexOutOfRangeException>(vm.Slot("idx").Fault);
    }

    [Fact]
    public void With_policy_fail_an_access_to_a_faulted_device_names_it()
    {
        using var vm = TestVm.Create(b => b.AddPlugin<KitTestPlugin>().AddDevice("indexed", "idx", new { Port = 0x90 }).WithUnhandledAccess(UnhandledAccessPolicy.Fail));
        vm.Out8(0x90, 0x80);
        Assert.Throws<DeviceFaultException>(() => vm.In8(0x91));

        var error = Assert.Throws<UnhandledAccessException>(() => vm.In8(0x90));

        Assert.Contains("its device \"idx\" (indexed) is faulted", error.Message);
    }
}
