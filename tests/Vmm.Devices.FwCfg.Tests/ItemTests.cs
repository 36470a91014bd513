using System.Buffers.Binary;
using System.Text;
using static Vmm.Devices.FwCfg.Tests.FwCfg;

namespace Vmm.Devices.FwCfg.Tests;

/// <summary>The fixed items and the data port, read as a guest's <c>inb</c> loop reads them.</summary>
public sealed class ItemTests
{
    [Fact]
    public void The_signature_reads_qemu_and_zeros_past_its_end()
    {
        using var vm = Create();

        Assert.Equal("QEMU\0\0"u8.ToArray(), vm.ReadItem(Signature, 6));
    }

    [Fact]
    public void The_id_has_the_traditional_and_dma_bits()
    {
        using var vm = Create();

        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(vm.ReadItem(Id, 4)));
    }

    [Fact]
    public void Without_a_dma_port_the_id_has_only_the_traditional_bit_and_0x514_is_unclaimed()
    {
        using var vm = Create(new { DmaPort = 0 });

        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(vm.ReadItem(Id, 4)));
        Assert.Equal(0xffff_ffffu, vm.In32(DmaHigh));
    }

    [Fact]
    public void Cpu_count_and_ram_size_come_from_the_machine()
    {
        using var vm = Create(configure: b => { b.VcpuCount = 2; b.WithMemory(4UL << 20); });

        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(vm.ReadItem(CpuCount, 2)));
        Assert.Equal(4UL << 20, BinaryPrimitives.ReadUInt64LittleEndian(vm.ReadItem(RamSize, 8)));
    }

    [Fact]
    public void Reading_the_dma_register_gives_the_qemu_cfg_signature()
    {
        using var vm = Create();

        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, vm.In32(DmaHigh));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), vm.In32(DmaLow));

        Assert.Equal("QEMU CFG", Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void Data_port_writes_are_ignored_and_the_write_channel_bit_selects_the_same_item()
    {
        using var vm = Create();

        vm.Out16(SelectorPort, 0x4000 | Signature);
        vm.Out8(DataPort, (byte)'X');

        Assert.Equal("QEMU"u8.ToArray(), new[] { vm.In8(DataPort), vm.In8(DataPort), vm.In8(DataPort), vm.In8(DataPort) });
    }

    [Fact]
    public void Selecting_again_restarts_at_offset_0_and_an_unknown_selector_reads_zeros()
    {
        using var vm = Create();
        vm.ReadItem(Signature, 2);

        Assert.Equal("QE"u8.ToArray(), vm.ReadItem(Signature, 2));
        Assert.Equal(new byte[4], vm.ReadItem(0x1234, 4));
    }

    [Fact]
    public void A_byte_wide_selector_write_is_not_decoded()
    {
        using var vm = Create();
        vm.ReadItem(Signature, 1);

        vm.Out8(SelectorPort, (byte)Id);

        Assert.Equal((byte)'E', vm.In8(DataPort));   // still the signature, one byte on
    }
}
