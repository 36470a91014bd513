using System.Buffers.Binary;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Kvm.Tests.Guests;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

/// <summary>MMIO on real KVM: flat 32-bit guests (and one 64-bit one) touching an address with no RAM.</summary>
public sealed class MmioTests
{
    [Theory]
    [InlineData(1, new byte[] { 0x78 })]
    [InlineData(2, new byte[] { 0x78, 0x56 })]
    [InlineData(4, new byte[] { 0x78, 0x56, 0x34, 0x12 })]
    public void Mmio_write_outside_ram_hands_the_pipeline_address_size_and_bytes(int size, byte[] expected)
    {
        using var guest = TestGuest.Start(CpuMode.Protected32, a =>
        {
            a.mov(ebx, TestGuest.MmioAddress + 0x10);
            a.mov(eax, 0x1234_5678);
            switch (size)
            {
                case 1: a.mov(__byte_ptr[ebx], al); break;
                case 2: a.mov(__word_ptr[ebx], ax); break;
                default: a.mov(__dword_ptr[ebx], eax); break;
            }

            a.hlt();
        });
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline(ExitLog.StopOnHalt));

        Assert.Equal(VcpuStopReason.Halted, result.Reason);
        RecordedExit exit = log.Single(ExitKind.MmioWrite);
        Assert.Equal(TestGuest.MmioAddress + 0x10ul, exit.Address);
        Assert.Equal(size, exit.Size);
        Assert.Equal(1, exit.Count);
        Assert.Equal(expected, exit.Data);
    }

    [Theory]
    [InlineData(1, 0xFFFF_FFEFul)]
    [InlineData(2, 0xFFFF_BEEFul)]
    [InlineData(4, 0xDEAD_BEEFul)]
    public void Mmio_read_value_from_the_pipeline_reaches_the_register(int size, ulong expectedRax)
    {
        using var guest = TestGuest.Start(CpuMode.Protected32, a =>
        {
            a.mov(eax, 0xFFFF_FFFF);
            a.mov(ebx, TestGuest.MmioAddress);
            switch (size)
            {
                case 1: a.mov(al, __byte_ptr[ebx]); break;
                case 2: a.mov(ax, __word_ptr[ebx]); break;
                default: a.mov(eax, __dword_ptr[ebx]); break;
            }

            a.hlt();
        });
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.MmioRead)
            {
                Assert.All(exit.Data.ToArray(), b => Assert.Equal(0, b));
                new byte[] { 0xEF, 0xBE, 0xAD, 0xDE }.AsSpan(0, exit.Data.Length).CopyTo(exit.Data);
            }

            ExitLog.StopOnHalt(ref exit);
        }));

        Assert.Equal(VcpuStopReason.Halted, result.Reason);
        RecordedExit exit = log.Single(ExitKind.MmioRead);
        Assert.Equal((ulong)TestGuest.MmioAddress, exit.Address);
        Assert.Equal(size, exit.Size);
        Assert.Equal(expectedRax, guest.Vcpu.GetRegisters().Rax & 0xFFFF_FFFF);
    }

    [Fact]
    public void Long64_guest_writes_and_reads_8_byte_mmio()
    {
        const ulong pml4 = 0x10000, pdpt = 0x11000, pdLow = 0x12000, pdHigh = 0x13000;
        using var guest = TestGuest.Start(CpuMode.Long64, a =>
        {
            a.mov(rbx, (ulong)TestGuest.MmioAddress);
            a.mov(rax, 0x1122_3344_5566_7788ul);
            a.mov(__qword_ptr[rbx], rax);
            a.mov(rcx, __qword_ptr[rbx + 8]);
            a.hlt();
        }, prepare: g =>
        {
            // Identity map with 2 MiB pages: the first 2 MiB (code, stack) and the 2 MiB at the MMIO address.
            const ulong present = 1, writable = 2, large = 0x80;
            Entry(g, pml4, 0, pdpt | present | writable);
            Entry(g, pdpt, 0, pdLow | present | writable);
            Entry(g, pdpt, 3, pdHigh | present | writable);
            Entry(g, pdLow, 0, 0 | present | writable | large);
            Entry(g, pdHigh, (TestGuest.MmioAddress - 0xC000_0000ul) >> 21, TestGuest.MmioAddress | present | writable | large);
        }, pageTableRoot: pml4);
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline((ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.MmioRead)
                BinaryPrimitives.WriteUInt64LittleEndian(exit.Data, 0x0102_0304_0506_0708ul);
            ExitLog.StopOnHalt(ref exit);
        }));

        Assert.Equal(VcpuStopReason.Halted, result.Reason);
        RecordedExit write = log.Single(ExitKind.MmioWrite);
        Assert.Equal((ulong)TestGuest.MmioAddress, write.Address);
        Assert.Equal(8, write.Size);
        Assert.Equal(0x1122_3344_5566_7788ul, BinaryPrimitives.ReadUInt64LittleEndian(write.Data));
        RecordedExit read = log.Single(ExitKind.MmioRead);
        Assert.Equal(TestGuest.MmioAddress + 8ul, read.Address);
        Assert.Equal(8, read.Size);
        Assert.Equal(0x0102_0304_0506_0708ul, guest.Vcpu.GetRegisters().Rcx);
    }

    private static void Entry(TestGuest guest, ulong table, ulong index, ulong value) =>
        BinaryPrimitives.WriteUInt64LittleEndian(guest.Memory(table + index * 8, 8), value);
}
