using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Support;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Emulation.Tests;

/// <summary>IN, OUT, INS and OUTS become IoIn/IoOut exits with the port, size, count and data KVM gives.</summary>
public sealed class PortIoTests
{
    private const ushort Port = 0x3F8;

    [Theory]
    [InlineData(1, new byte[] { 0x78 })]
    [InlineData(2, new byte[] { 0x78, 0x56 })]
    [InlineData(4, new byte[] { 0x78, 0x56, 0x34, 0x12 })]
    public void Out_hands_the_pipeline_port_size_count_data_and_rip(int size, byte[] expected)
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
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

        ExitLog log = guest.RunToHalt();

        RecordedExit exit = log.Single(ExitKind.IoOut);
        Assert.Equal((ulong)Port, exit.Address);
        Assert.Equal(size, exit.Size);
        Assert.Equal(1, exit.Count);
        Assert.Equal(0, exit.VcpuId);
        Assert.Equal(expected, exit.Data);
        Assert.Equal(EmulatedGuest.CodeAddress + 3 + 6, exit.InstructionPointer);   // past mov dx and mov eax
    }

    [Fact]
    public void Out_to_an_immediate_port()
    {
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Real, [0xB0, 0x41, 0xE6, 0x80, 0xF4]);   // mov al,'A'; out 0x80,al; hlt

        ExitLog log = guest.RunToHalt();

        Assert.Equal([ExitKind.IoOut, ExitKind.Halt], log.Exits.Select(e => e.Kind));
        Assert.Equal(0x80ul, log.Exits[0].Address);
        Assert.Equal(new byte[] { 0x41 }, log.Exits[0].Data);
    }

    [Theory]
    [InlineData(1, 0xFFFF_FFEFul)]
    [InlineData(2, 0xFFFF_BEEFul)]
    [InlineData(4, 0xDEAD_BEEFul)]
    public void In_sees_a_zeroed_buffer_and_the_value_reaches_the_accumulator(int size, ulong expectedEax)
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
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
        byte[] value = [0xEF, 0xBE, 0xAD, 0xDE];
        bool zeroed = false;

        ExitLog log = guest.RunToHalt((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.IoIn)
            {
                zeroed = exit.Data.IndexOfAnyExcept((byte)0) < 0;
                value.AsSpan(0, exit.Data.Length).CopyTo(exit.Data);
            }
        });

        Assert.True(zeroed);
        Assert.Equal(size, log.Single(ExitKind.IoIn).Size);
        Assert.Equal(expectedEax, guest.Registers.Rax & 0xFFFF_FFFF);
    }

    [Fact]
    public void In_eax_in_64_bit_mode_zero_extends_rax()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.mov(rax, ulong.MaxValue);
            a.@in(eax, 0x71);
            a.hlt();
        });

        guest.RunToHalt((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.IoIn)
                exit.Data[0] = 0x42;
        });

        Assert.Equal(0x42ul, guest.Registers.Rax);
    }

    [Fact]
    public void Rep_outsb_is_one_exit_per_byte_with_count_1_in_order()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.cld();
            a.mov(si, 0x2000);
            a.mov(cx, 5);
            a.mov(dx, Port);
            a.rep.outsb();
            a.hlt();
        }, prepare: g => "Hello"u8.CopyTo(g.Memory(0x2000, 5)));

        ExitLog log = guest.RunToHalt();

        List<RecordedExit> outs = log.OfKind(ExitKind.IoOut);
        Assert.Equal(5, outs.Count);
        Assert.All(outs, e =>
        {
            Assert.Equal((ulong)Port, e.Address);
            Assert.Equal(1, e.Size);
            Assert.Equal(1, e.Count);
            Assert.Equal(outs[0].InstructionPointer, e.InstructionPointer);
        });
        Assert.Equal("Hello"u8.ToArray(), outs.SelectMany(e => e.Data).ToArray());
        Assert.Equal(0ul, guest.Registers.Rcx);
        Assert.Equal(0x2005ul, guest.Registers.Rsi);
    }

    [Fact]
    public void Rep_insb_is_one_exit_with_the_count_and_fills_memory_in_order()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.cld();
            a.mov(di, 0x3000);
            a.mov(cx, 4);
            a.mov(dx, 0x60);
            a.rep.insb();
            a.hlt();
        });

        ExitLog log = guest.RunToHalt((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.IoIn)
                new byte[] { 0x11, 0x22, 0x33, 0x44 }.AsSpan(0, exit.Data.Length).CopyTo(exit.Data);
        });

        RecordedExit exit = log.Single(ExitKind.IoIn);
        Assert.Equal(1, exit.Size);
        Assert.Equal(4, exit.Count);
        Assert.Equal(4, exit.Data.Length);
        Assert.Equal(new byte[] { 0x11, 0x22, 0x33, 0x44 }, guest.Memory(0x3000, 4).ToArray());
        Assert.Equal(0x3004ul, guest.Registers.Rdi);
        Assert.Equal(0ul, guest.Registers.Rcx);
    }

    [Theory]
    // (DI, DF, CX, size): KVM reads ahead min(bytes to the page edge by DF, 1024 / size, CX), at least 1.
    [InlineData(0x3FFE, false, 10, 1, new[] { 2, 8 })]
    [InlineData(0x3000, false, 3000, 1, new[] { 1024, 1024, 952 })]
    [InlineData(0x3000, false, 600, 2, new[] { 512, 88 })]
    [InlineData(0x3003, true, 6, 1, new[] { 3, 1, 2 })]
    public void Rep_ins_batches_like_kvms_read_ahead(int di, bool down, int count, int size, int[] expectedCounts)
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            if (down)
                a.std();
            a.mov(edi, di);
            a.mov(ecx, count);
            a.mov(dx, 0x60);
            if (size == 1)
                a.rep.insb();
            else
                a.rep.insw();
            a.cld();
            a.hlt();
        });

        ExitLog log = guest.RunToHalt();

        List<RecordedExit> ins = log.OfKind(ExitKind.IoIn);
        Assert.Equal(expectedCounts, ins.Select(e => e.Count));
        Assert.All(ins, e => Assert.Equal(e.Count * size, e.Data.Length));
        Assert.Equal(0ul, guest.Registers.Rcx);
    }

    [Fact]
    public void A_stop_on_an_in_delivers_the_value_and_leaves_rip_past_it()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.mov(eax, 0xFFFF_FFFF);
            a.@in(al, 0x64);
            a.hlt();
        });
        var log = new ExitLog();

        VcpuRunResult stopped = guest.Run(log.Pipeline((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.IoIn)
            {
                exit.Data[0] = 0x5A;
                exit.Outcome = ExitOutcome.StopVm;
            }
        }));
        VcpuRegisters after = guest.Registers;
        VcpuRunResult resumed = guest.Run(log.Pipeline(ExitLog.StopOnHalt));

        Assert.Equal(VcpuStopReason.Requested, stopped.Reason);
        Assert.Equal(0xFFFF_FF5Aul, after.Rax & 0xFFFF_FFFF);
        Assert.Equal(EmulatedGuest.CodeAddress + 6 + 2, after.Rip);
        Assert.Equal(VcpuStopReason.Halted, resumed.Reason);
        Assert.Equal([ExitKind.IoIn, ExitKind.Halt], log.Exits.Select(e => e.Kind));
    }

    [Fact]
    public void A_stop_in_the_middle_of_rep_outsb_resumes_with_the_next_byte()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.cld();
            a.mov(si, 0x2000);
            a.mov(cx, 4);
            a.mov(dx, Port);
            a.rep.outsb();
            a.hlt();
        }, prepare: g => "abcd"u8.CopyTo(g.Memory(0x2000, 4)));
        var log = new ExitLog();
        int outs = 0;

        VcpuRunResult first = guest.Run(log.Pipeline((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.IoOut && ++outs == 2)
                exit.Outcome = ExitOutcome.StopVcpu;
        }));
        VcpuRegisters middle = guest.Registers;
        guest.Run(log.Pipeline(ExitLog.StopOnHalt));

        Assert.Equal(VcpuStopReason.Requested, first.Reason);
        Assert.Equal(2ul, middle.Rcx);
        Assert.Equal(0x2002ul, middle.Rsi);
        Assert.Equal("abcd"u8.ToArray(), log.OfKind(ExitKind.IoOut).SelectMany(e => e.Data).ToArray());
    }
}
