using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Devices.I8042.Tests.Kbc;

namespace Vmm.Devices.I8042.Tests;

/// <summary>A real-mode guest on the x86 emulator resets the machine the way firmware and kernels do: wait for IBF clear, then 0xFE.</summary>
public sealed class I8042GuestTests
{
    [Fact]
    public void A_guest_pulsing_the_reset_line_stops_the_run_with_a_reset()
    {
        using var vm = Create();
        var a = new Assembler(16);
        var wait = a.CreateLabel();
        a.Label(ref wait);
        a.@in(al, (byte)Command);
        a.test(al, Ibf);
        a.jnz(wait);
        a.mov(al, 0xfe);
        a.@out((byte)Command, al);
        a.hlt();

        var result = vm.RunGuest(a, CpuMode.Real);

        Assert.Equal(VmStopKind.Reset, result.Status.Kind);
        Assert.False(result.Halted);
    }
}
