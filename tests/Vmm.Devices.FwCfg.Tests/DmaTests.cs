using System.Buffers.Binary;
using System.Text;
using static Vmm.Devices.FwCfg.Tests.FwCfg;

namespace Vmm.Devices.FwCfg.Tests;

/// <summary>The DMA interface: a descriptor in guest memory, started through the big-endian address register.</summary>
public sealed class DmaTests
{
    private const ulong Descriptor = 0x1000, Buffer = 0x2000;

    private static readonly object OneFile = new { Files = new[] { new { Name = "opt/org.example/text", String = "0123456789" } } };

    [Fact]
    public void A_dma_read_of_a_named_file_fills_the_buffer_and_clears_control()
    {
        using var vm = Create(OneFile);
        var file = vm.ReadDirectory().Single();

        var control = vm.Dma(Descriptor, ((uint)file.Selector << 16) | DmaSelect | DmaRead, file.Size, Buffer);

        Assert.Equal(0u, control);
        Assert.Equal("0123456789", Encoding.ASCII.GetString(vm.ReadMemory(Buffer, 10)));
    }

    [Fact]
    public void Dma_reads_the_signature_and_the_directory_too()
    {
        using var vm = Create(OneFile);

        Assert.Equal(0u, vm.Dma(Descriptor, (Signature << 16) | DmaSelect | DmaRead, 4, Buffer));
        Assert.Equal("QEMU", Encoding.ASCII.GetString(vm.ReadMemory(Buffer, 4)));
        Assert.Equal(0u, vm.Dma(Descriptor, (FileDirectory << 16) | DmaSelect | DmaRead, 4 + 64, Buffer));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(vm.ReadMemory(Buffer, 4)));
        Assert.Equal("opt/org.example/text", Encoding.ASCII.GetString(vm.ReadMemory(Buffer + 12, 20)));
    }

    [Fact]
    public void Reading_past_the_end_zero_fills_the_rest_of_the_buffer()
    {
        using var vm = Create(OneFile);
        vm.WriteMemory(Buffer, Enumerable.Repeat((byte)0xaa, 16).ToArray());

        var control = vm.Dma(Descriptor, (0x20u << 16) | DmaSelect | DmaRead, 14, Buffer);

        Assert.Equal(0u, control);
        Assert.Equal("0123456789\0\0\0\0\xaa\xaa", Encoding.Latin1.GetString(vm.ReadMemory(Buffer, 16)));
    }

    [Fact]
    public void Skip_moves_the_offset_that_the_next_read_and_the_data_port_continue_from()
    {
        using var vm = Create(OneFile);

        Assert.Equal(0u, vm.Dma(Descriptor, (0x20u << 16) | DmaSelect | DmaSkip, 3, 0));
        Assert.Equal(0u, vm.Dma(Descriptor, DmaRead, 4, Buffer));

        Assert.Equal("3456", Encoding.ASCII.GetString(vm.ReadMemory(Buffer, 4)));
        Assert.Equal((byte)'7', vm.In8(DataPort));
    }

    [Fact]
    public void A_64_bit_descriptor_address_is_the_two_halves_high_first()
    {
        using var vm = Create(OneFile, b => b.WithMemory(2UL << 20));

        // High half 1: the descriptor would be at 4 GiB + 0x1000, outside this 2 MiB guest, so nothing is read or
        // written; the register then resets to 0, and a low-half-only write reaches the descriptor below 4 GiB.
        vm.WriteMemory(Descriptor, new byte[16]);
        vm.Out32(DmaHigh, BinaryPrimitives.ReverseEndianness(1u));
        vm.Out32(DmaLow, BinaryPrimitives.ReverseEndianness((uint)Descriptor));
        Assert.Equal(new byte[16], vm.ReadMemory(Descriptor, 16));

        Assert.Equal(0u, vm.Dma(Descriptor, (0x20u << 16) | DmaSelect | DmaRead, 2, Buffer));
        Assert.Equal("01", Encoding.ASCII.GetString(vm.ReadMemory(Buffer, 2)));
    }

    [Theory]
    [InlineData(0xffff_ffff_0000UL, 16u)]           // a wild buffer address
    [InlineData(0x1f_fff0UL, 0x100u)]               // a buffer running off the end of 2 MiB of RAM
    [InlineData(Buffer, 0xffff_ffffu)]              // a huge length: the zero fill runs off the end of RAM
    [InlineData(0xffff_ffff_ffff_fff0UL, 0x100u)]   // an address + length that wraps
    public void A_hostile_read_descriptor_gets_the_error_bit(ulong address, uint length)
    {
        using var vm = Create(OneFile);

        Assert.Equal(DmaError, vm.Dma(Descriptor, (0x20u << 16) | DmaSelect | DmaRead, length, address));
    }

    [Fact]
    public void A_dma_write_is_rejected_with_the_error_bit_and_changes_nothing()
    {
        using var vm = Create(OneFile);
        vm.WriteMemory(Buffer, "XXXX"u8);

        Assert.Equal(DmaError, vm.Dma(Descriptor, (0x20u << 16) | DmaSelect | DmaWrite, 4, Buffer));
        Assert.Equal("0123"u8.ToArray(), vm.ReadItem(0x20, 4));
    }

    [Fact]
    public void A_descriptor_outside_ram_is_ignored_without_harm()
    {
        using var vm = Create(OneFile);

        vm.Out32(DmaHigh, BinaryPrimitives.ReverseEndianness(0xffffu));
        vm.Out32(DmaLow, BinaryPrimitives.ReverseEndianness(0xffff_fff8u));

        Assert.Equal("QEMU"u8.ToArray(), vm.ReadItem(Signature, 4));   // the device still answers
    }
}
