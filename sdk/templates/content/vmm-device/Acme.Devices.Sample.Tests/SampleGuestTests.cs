using Acme.Devices.Sample.Guest;
using Vmm.Core.Hypervisor;
using Vmm.Devices.DebugExit;
using Vmm.Devices.Serial;
using Vmm.Sdk.Testing;

namespace Acme.Devices.Sample.Tests;

/// <summary>
/// The example guest (the bytes `dotnet run --project Acme.Devices.Sample.Guest -- guest.bin` writes) run on the kit's
/// x86 emulator, with the device and the UART and debug-exit port vm.json gives it: guest and device checked together,
/// without KVM.
/// </summary>
public sealed class SampleGuestTests
{
    [Fact]
    public void The_example_guest_prints_the_counter_and_exits_with_it()
    {
        using var vm = TestVm.Create(b => b
            .AddPlugin<SamplePlugin>().AddDevice(SamplePlugin.DeviceTypeName)
            .AddPlugin<SerialPlugin>().AddDevice("uart16550", "com1", new { Port = SampleGuest.Com1, Irq = 4 })
            .AddPlugin<DebugExitPlugin>().AddDevice("debug-exit", new { Port = SampleGuest.DebugExitPort })
            .WithUnhandledAccess(UnhandledAccessPolicy.Fail));

#if (IsMmio)
        var result = vm.RunGuest(SampleGuest.Assemble(), CpuMode.Protected32, SampleGuest.LoadAddress);
#else
        var result = vm.RunGuest(SampleGuest.Assemble(), CpuMode.Real, SampleGuest.LoadAddress);
#endif

        Assert.Equal("counter=3\r\n", vm.Console("com1").ReadOutputText());
        Assert.Equal((3 << 1) | 1, result.ExitCode);
        // One interrupt: raised by the first doorbell, held through the next two, acknowledged by the STATUS read.
        Assert.Equal(new[] { InterruptLineChange.Raised, InterruptLineChange.Lowered }, vm.Irq(5).Log.Select(e => e.Change));
    }
}
