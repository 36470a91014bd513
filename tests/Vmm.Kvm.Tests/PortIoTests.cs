using Vmm.Core.Hypervisor;
using Vmm.Kvm.Tests.Guests;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

/// <summary>Port I/O on real KVM: 16-bit real-mode guests doing OUT, IN and string I/O.</summary>
public sealed class PortIoTests
{
    private const ushort Port = 0x3F8;

    [Theory]
    [InlineData(1, new byte[] { 0x78 })]
    [InlineData(2, new byte[] { 0x78, 0x56 })]
    [InlineData(4, new byte[] { 0x78, 0x56, 0x34, 0x12 })]
    public void Out_hands_the_pipeline_port_size_and_bytes(int size, byte[] expected)
    {
        using var guest = TestGuest.Start(CpuMode.Real, a =>
        {
            a.mov(dx, Port);
            a.mov(eax, 0x1234_5678);
            switch (size)
            {
                case 1: a.@out(dx, al); break;
                case 2: a.@out(dx, ax); break;
                default: a.@out(dx, eax); break;
            }

            a.hlt();
        });
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline(ExitLog.StopOnHalt));

        Assert.Equal(VcpuStopReason.Halted, result.Reason);
        RecordedExit exit = log.Single(ExitKind.IoOut);
        Assert.Equal((ulong)Port, exit.Address);
        Assert.Equal(size, exit.Size);
        Assert.Equal(1, exit.Count);
        Assert.Equal(0, exit.VcpuId);
        Assert.Equal(expected, exit.Data);
    }

    [Theory]
    [InlineData(1, 0xFFFF_FFEFul)]
    [InlineData(2, 0xFFFF_BEEFul)]
    [InlineData(4, 0xDEAD_BEEFul)]
    public void In_value_written_by_the_pipeline_reaches_the_accumulator(int size, ulong expectedRax)
    {
        using var guest = TestGuest.Start(CpuMode.Real, a =>
        {
            a.mov(eax, 0xFFFF_FFFF);
            a.mov(dx, 0x60);
            switch (size)
            {
                case 1: a.@in(al, dx); break;
                case 2: a.@in(ax, dx); break;
                default: a.@in(eax, dx); break;
            }

            a.hlt();
        });
        var log = new ExitLog();
        byte[] value = [0xEF, 0xBE, 0xAD, 0xDE];

        VcpuRunResult result = guest.Run(log.Pipeline((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.IoIn)
            {
                Assert.All(exit.Data.ToArray(), b => Assert.Equal(0, b));
                value.AsSpan(0, exit.Data.Length).CopyTo(exit.Data);
            }

            ExitLog.StopOnHalt(ref exit);
        }));

        Assert.Equal(VcpuStopReason.Halted, result.Reason);
        RecordedExit exit = log.Single(ExitKind.IoIn);
        Assert.Equal(0x60ul, exit.Address);
        Assert.Equal(size, exit.Size);
        Assert.Equal(expectedRax, guest.Vcpu.GetRegisters().Rax & 0xFFFF_FFFF);
    }

    [Fact]
    public void Rep_outsb_delivers_every_byte_in_order_with_its_count()
    {
        // KVM's emulator exits once per OUTS element (count 1, arch/x86/kvm/emulate.c em_out) but reads
        // INS ahead in one exit (count > 1): the backend passes whatever count KVM gives.
        const ushort source = 0x2000;
        using var guest = TestGuest.Start(CpuMode.Real, a =>
        {
            a.cld();
            a.mov(si, source);
            a.mov(cx, 5);
            a.mov(dx, Port);
            a.rep.outsb();
            a.hlt();
        }, prepare: g => "Hello"u8.CopyTo(g.Memory(source, 5)));
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline(ExitLog.StopOnHalt));

        Assert.Equal(VcpuStopReason.Halted, result.Reason);
        List<RecordedExit> outs = log.Exits.FindAll(e => e.Kind == ExitKind.IoOut);
        Assert.All(outs, e =>
        {
            Assert.Equal((ulong)Port, e.Address);
            Assert.Equal(1, e.Size);
            Assert.Equal(e.Count * e.Size, e.Data.Length);
        });
        Assert.Equal(5, outs.Sum(e => e.Count));
        Assert.Equal("Hello"u8.ToArray(), outs.SelectMany(e => e.Data).ToArray());
        Assert.Equal(0ul, guest.Vcpu.GetRegisters().Rcx & 0xFFFF);
    }

    [Fact]
    public void Rep_insb_arrives_as_one_exit_with_the_count_and_fills_guest_memory()
    {
        const ushort destination = 0x3000;
        using var guest = TestGuest.Start(CpuMode.Real, a =>
        {
            a.cld();
            a.mov(di, destination);
            a.mov(cx, 4);
            a.mov(dx, 0x60);
            a.rep.insb();
            a.hlt();
        });
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.IoIn)
                new byte[] { 0x11, 0x22, 0x33, 0x44 }.AsSpan(0, exit.Data.Length).CopyTo(exit.Data);
            ExitLog.StopOnHalt(ref exit);
        }));

        Assert.Equal(VcpuStopReason.Halted, result.Reason);
        RecordedExit exit = log.Single(ExitKind.IoIn);
        Assert.Equal(1, exit.Size);
        Assert.Equal(4, exit.Count);
        Assert.Equal(new byte[] { 0x11, 0x22, 0x33, 0x44 }, guest.Memory(destination, 4).ToArray());
    }
}
