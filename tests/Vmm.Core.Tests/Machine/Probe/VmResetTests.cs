using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Core.Tests.Machine.Probe;

/// <summary>
/// A machine reset on one backend (a thin subclass per backend): the guest leaves a marker in RAM and asks for a reset;
/// entered again, it finds the marker and exits with its own code. Also checks the 8259's mask register is back at its
/// power-on value after the guest changed it (on a backend without a PIC the port reads all-ones both times).
/// </summary>
public abstract class VmResetTests
{
    private const ushort Marker = 0x600, PowerOnMask = 0x602;
    private const ushort MarkerValue = 0xBEEF;
    private const byte SecondEntryCode = 42, MaskNotResetCode = 43;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    protected abstract IHypervisor CreateHypervisor();

    /// <summary>Real mode at 0x1000: first entry marks RAM, masks the PIC and asks for a reset; the second exits with 42.</summary>
    public static AssembledImage ResetGuest()
    {
        var a = new Assembler(16);
        var second = a.CreateLabel();
        var maskDiffers = a.CreateLabel();
        var forever = a.CreateLabel();
        a.xor(ax, ax);
        a.mov(ds, ax);
        a.cmp(__word_ptr[Marker], MarkerValue);
        a.je(second);
        a.mov(__word_ptr[Marker], MarkerValue);
        a.@in(al, 0x21);
        a.mov(__byte_ptr[PowerOnMask], al);
        a.mov(al, 0xAB);
        a.@out(0x21, al);
        a.@out(ProbeDevice.ResetPort, al);
        a.Label(ref forever);
        a.jmp(forever);
        a.Label(ref second);
        a.@in(al, 0x21);
        a.cmp(al, __byte_ptr[PowerOnMask]);
        a.jne(maskDiffers);
        a.mov(al, SecondEntryCode);
        a.@out(ProbeDevice.ExitPort, al);
        a.jmp(forever);
        a.Label(ref maskDiffers);
        a.mov(al, MaskNotResetCode);
        a.@out(ProbeDevice.ExitPort, al);
        a.jmp(forever);
        return new AssembledImage(a, 0x1000, CpuMode.Real);
    }

    [Fact]
    public async Task A_reset_boots_the_image_again_with_ram_kept()
    {
        var hypervisor = CreateHypervisor();
        using var lifetime = hypervisor as IDisposable;
        var image = ResetGuest();
        var (vm, probe) = ProbeMachine.Build(hypervisor, image);
        await using var _ = vm;

        var status = ProbeMachine.Run(vm, s_timeout);

        Assert.Equal(new VmExitStatus(VmStopKind.DeviceRequested, SecondEntryCode), status);
        Assert.Equal(1, vm.ResetCount);
        Assert.Equal(1, probe.ResetRequests);
        Assert.Equal(2, image.Loads);
    }

    [Fact]
    public async Task Without_reboot_a_reset_stops_the_vm_at_the_first_request()
    {
        var hypervisor = CreateHypervisor();
        using var lifetime = hypervisor as IDisposable;
        var image = ResetGuest();
        var (vm, probe) = ProbeMachine.Build(hypervisor, image, rebootOnReset: false);
        await using var _ = vm;

        var status = ProbeMachine.Run(vm, s_timeout);

        Assert.Equal(VmStopKind.Reset, status.Kind);
        Assert.Equal(VmExitStatus.Success, status.ExitCode);
        Assert.Equal(0, vm.ResetCount);
        Assert.Equal(1, image.Loads);
        Assert.Equal((ushort)MarkerValue, BitConverter.ToUInt16(vm.Memory.GetSpan(Marker, 2)));
    }
}
