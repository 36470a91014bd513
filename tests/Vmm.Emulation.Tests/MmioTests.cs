using System.Buffers.Binary;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Support;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Emulation.Tests;

/// <summary>Any guest-physical access outside RAM is an MmioRead/MmioWrite exit of the access size.</summary>
public sealed class MmioTests
{
    private const ulong Mmio = EmulatedGuest.MmioAddress;

    [Theory]
    [InlineData(1, new byte[] { 0x88 })]
    [InlineData(2, new byte[] { 0x88, 0x77 })]
    [InlineData(4, new byte[] { 0x88, 0x77, 0x66, 0x55 })]
    [InlineData(8, new byte[] { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 })]
    public void A_store_outside_ram_is_a_write_exit_with_address_size_and_bytes(int size, byte[] expected)
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.mov(rbx, Mmio + 0x10);
            a.mov(rax, 0x1122_3344_5566_7788ul);
            switch (size)
            {
                case 1: a.mov(__byte_ptr[rbx], al); break;
                case 2: a.mov(__word_ptr[rbx], ax); break;
                case 4: a.mov(__dword_ptr[rbx], eax); break;
                default: a.mov(__qword_ptr[rbx], rax); break;
            }

            a.hlt();
        });

        ExitLog log = guest.RunToHalt();

        RecordedExit exit = log.Single(ExitKind.MmioWrite);
        Assert.Equal(Mmio + 0x10, exit.Address);
        Assert.Equal(size, exit.Size);
        Assert.Equal(1, exit.Count);
        Assert.Equal(expected, exit.Data);
    }

    [Theory]
    [InlineData(1, 0xFFFF_FFFF_FFFF_FF08ul)]
    [InlineData(2, 0xFFFF_FFFF_FFFF_0708ul)]
    [InlineData(4, 0x0000_0000_0506_0708ul)]
    [InlineData(8, 0x0102_0304_0506_0708ul)]
    public void A_load_outside_ram_takes_the_bytes_the_pipeline_filled(int size, ulong expectedRax)
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.mov(rax, ulong.MaxValue);
            a.mov(rbx, Mmio);
            switch (size)
            {
                case 1: a.mov(al, __byte_ptr[rbx]); break;
                case 2: a.mov(ax, __word_ptr[rbx]); break;
                case 4: a.mov(eax, __dword_ptr[rbx]); break;
                default: a.mov(rax, __qword_ptr[rbx]); break;
            }

            a.hlt();
        });
        bool zeroed = false;

        ExitLog log = guest.RunToHalt((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.MmioRead)
            {
                zeroed = exit.Data.IndexOfAnyExcept((byte)0) < 0;
                BitConverter.GetBytes(0x0102_0304_0506_0708ul).AsSpan(0, exit.Data.Length).CopyTo(exit.Data);
            }
        });

        Assert.True(zeroed);
        RecordedExit read = log.Single(ExitKind.MmioRead);
        Assert.Equal(Mmio, read.Address);
        Assert.Equal(size, read.Size);
        Assert.Equal(expectedRax, guest.Registers.Rax);
    }

    [Fact]
    public void A_read_modify_write_reads_then_writes()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.mov(ebx, (uint)Mmio);
            a.add(__dword_ptr[ebx + 4], 0x10);
            a.hlt();
        });

        ExitLog log = guest.RunToHalt((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.MmioRead)
                BinaryPrimitives.WriteUInt32LittleEndian(exit.Data, 0x100);
        });

        Assert.Equal([ExitKind.MmioRead, ExitKind.MmioWrite, ExitKind.Halt], log.Exits.Select(e => e.Kind));
        Assert.Equal(Mmio + 4, log.Exits[1].Address);
        Assert.Equal(0x110u, BinaryPrimitives.ReadUInt32LittleEndian(log.Exits[1].Data));
    }

    [Fact]
    public void An_access_straddling_the_end_of_ram_stores_the_ram_part_and_exits_for_the_rest()
    {
        // RAM is 1 MiB: a dword at 0xFFFFE has 2 bytes in RAM and 2 at 0x100000, where nothing is mapped.
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.mov(eax, 0x4433_2211);
            a.mov(__dword_ptr[0xF_FFFE], eax);
            a.hlt();
        });

        ExitLog log = guest.RunToHalt();

        Assert.Equal(new byte[] { 0x11, 0x22 }, guest.Memory(0xF_FFFE, 2).ToArray());
        RecordedExit write = log.Single(ExitKind.MmioWrite);
        Assert.Equal(0x10_0000ul, write.Address);
        Assert.Equal(2, write.Size);
        Assert.Equal(new byte[] { 0x33, 0x44 }, write.Data);
    }

    [Fact]
    public void A_stop_on_an_mmio_read_still_delivers_the_value()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.mov(ebx, (uint)Mmio);
            a.mov(ecx, __dword_ptr[ebx]);
            a.hlt();
        });

        VcpuRunResult stopped = guest.Run(new ExitLog().Pipeline((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.MmioRead)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(exit.Data, 0x1122_3344);
                exit.Outcome = ExitOutcome.StopVcpu;
            }
        }));

        Assert.Equal(VcpuStopReason.Requested, stopped.Reason);
        Assert.Equal(0x1122_3344ul, guest.Registers.Rcx);
        Assert.Equal(EmulatedGuest.CodeAddress + 5 + 2, guest.Registers.Rip);
    }

    [Fact]
    public void Rep_movsd_from_mmio_to_ram_is_one_read_per_element()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.cld();
            a.mov(esi, (uint)Mmio);
            a.mov(edi, 0x4000);
            a.mov(ecx, 3);
            a.rep.movsd();
            a.hlt();
        });
        uint next = 0xA0;

        ExitLog log = guest.RunToHalt((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.MmioRead)
                BinaryPrimitives.WriteUInt32LittleEndian(exit.Data, next++);
        });

        Assert.Equal([Mmio, Mmio + 4, Mmio + 8], log.OfKind(ExitKind.MmioRead).Select(e => e.Address));
        Assert.Equal(new byte[] { 0xA0, 0, 0, 0, 0xA1, 0, 0, 0, 0xA2, 0, 0, 0 }, guest.Memory(0x4000, 12).ToArray());
    }
}
