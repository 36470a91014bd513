using Vmm.Sdk;
using static Vmm.Devices.Cmos.Tests.Rtc;

namespace Vmm.Devices.Cmos.Tests;

/// <summary>The CMOS RAM, the NMI mask bit and the bytes firmware reads the memory size from.</summary>
public sealed class CmosMemoryTests
{
    [Fact]
    public void Cmos_ram_keeps_what_the_guest_writes_across_all_128_bytes()
    {
        using var vm = Create();
        var ram = Enumerable.Range(0x0e, 0x80 - 0x0e).Select(i => (byte)i).Where(i => i != Century).ToArray();

        foreach (var index in ram)
            vm.Put(index, (byte)(index ^ 0xa5));

        Assert.All(ram, index => Assert.Equal((byte)(index ^ 0xa5), vm.Get(index)));
    }

    [Fact]
    public void Bit_7_of_the_index_masks_nmi_and_does_not_select()
    {
        using var vm = Create();
        var rtc = vm.Device<Mc146818Rtc>("rtc");
        vm.Put(0x40, 0x5a);

        vm.Out8(IndexPort, 0x80 | 0x40);
        Assert.True(rtc.NmiMasked);
        Assert.Equal(0x5a, vm.In8(DataPort));
        vm.Out8(IndexPort, 0x40);

        Assert.False(rtc.NmiMasked);
        Assert.Equal(0xff, vm.In8(IndexPort));  // the index register is write-only
    }

    [Fact]
    public void Alarm_registers_are_plain_ram()
    {
        using var vm = Create();

        vm.Put(SecondsAlarm, 0x12);
        vm.Clock.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(0x12, vm.Get(SecondsAlarm));
    }

    [Fact]
    public void A_2_mib_vm_reports_640k_base_and_1_mib_extended_memory()
    {
        using var vm = Create(configure: b => b.WithMemory(2UL << 20));

        Assert.Equal(640, vm.Get(0x15) | (vm.Get(0x16) << 8));
        Assert.Equal(1024, vm.Get(0x17) | (vm.Get(0x18) << 8));
        Assert.Equal(1024, vm.Get(0x30) | (vm.Get(0x31) << 8));
        Assert.Equal(0, vm.Get(0x34) | (vm.Get(0x35) << 8));
        Assert.Equal(0, vm.Get(0x5f));                        // one CPU
    }

    [Fact]
    public void A_64_mib_two_cpu_vm_reports_memory_above_16_mib_and_the_cpu_count()
    {
        using var vm = Create(configure: b => { b.WithMemory(64UL << 20); b.VcpuCount = 2; });

        Assert.Equal(63 * 1024, vm.Get(0x17) | (vm.Get(0x18) << 8));
        Assert.Equal(48 * 16, vm.Get(0x34) | (vm.Get(0x35) << 8));   // 48 MiB in 64 KiB units
        Assert.Equal(1, vm.Get(0x5f));
    }

    [Fact]
    public void Memory_above_4_gib_and_large_memory_are_reported_as_seabios_reads_them()
    {
        var cmos = new byte[Mc146818Rtc.CmosSize];
        var machine = new MachineInfo(4, [new RamRange(0, 0xC000_0000), new RamRange(0x1_0000_0000, 5UL << 30)]);

        CmosMemoryLayout.Fill(cmos, machine);

        Assert.Equal(0xffff, cmos[0x17] | (cmos[0x18] << 8));                    // capped: more than 64 MiB
        Assert.Equal((3072 - 16) * 16, cmos[0x34] | (cmos[0x35] << 8));           // 64 KiB units above 16 MiB
        Assert.Equal((int)((5UL << 30) / 65536), cmos[0x5b] | (cmos[0x5c] << 8) | (cmos[0x5d] << 16));
        Assert.Equal(3, cmos[0x5f]);
    }
}
