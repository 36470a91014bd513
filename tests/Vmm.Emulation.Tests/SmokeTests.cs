using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Support;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Emulation.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Real_mode_out_and_hlt()
    {
        using var guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.mov(al, 0x41);
            a.@out(0x80, al);
            a.hlt();
        });
        ExitLog log = guest.RunToHalt();
        Assert.Equal([ExitKind.IoOut, ExitKind.Halt], log.Exits.Select(e => e.Kind));
        Assert.Equal(new byte[] { 0x41 }, log.Exits[0].Data);
    }
}
