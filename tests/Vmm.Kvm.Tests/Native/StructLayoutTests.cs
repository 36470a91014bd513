using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Vmm.Core.Hypervisor;
using Vmm.Kvm.Native;

namespace Vmm.Kvm.Tests.Native;

/// <summary>
/// Sizes and offsets of the managed mirrors against the C values (gcc offsetof/sizeof over
/// linux/kvm.h and asm/kvm.h, x86-64), one row per field the backend reads or writes.
/// </summary>
public sealed class StructLayoutTests
{
    [Theory]
    [InlineData(typeof(KvmUserspaceMemoryRegion), 32)]
    [InlineData(typeof(KvmRegs), 144)]
    [InlineData(typeof(KvmSegment), 24)]
    [InlineData(typeof(KvmDtable), 16)]
    [InlineData(typeof(KvmSregs), 312)]
    [InlineData(typeof(KvmCpuidEntry2), 40)]
    [InlineData(typeof(KvmCpuid2), 8)]
    [InlineData(typeof(KvmRun), 2352)]
    [InlineData(typeof(KvmRunHardwareExit), 8)]
    [InlineData(typeof(KvmRunFailEntry), 16)]
    [InlineData(typeof(KvmRunIo), 16)]
    [InlineData(typeof(KvmRunMmio), 24)]
    [InlineData(typeof(KvmRunInternalError), 136)]
    [InlineData(typeof(KvmRunSystemEvent), 136)]
    [InlineData(typeof(KvmIrqLevel), 8)]
    [InlineData(typeof(KvmPitConfig), 64)]
    [InlineData(typeof(KvmIrqRouting), 8)]
    [InlineData(typeof(KvmIrqRoutingEntry), 48)]
    [InlineData(typeof(KvmIrqchip), 520)]
    [InlineData(typeof(KvmLapicState), 1024)]
    [InlineData(typeof(KvmMpState), 4)]
    [InlineData(typeof(KvmPitState2), 112)]
    [InlineData(typeof(KvmVcpuEvents), 64)]
    [InlineData(typeof(KvmFpu), 416)]
    public void Struct_size_matches_the_kernel_header(Type type, int expected) =>
        Assert.Equal(expected, SizeOf(type));

    [Theory]
    // struct kvm_userspace_memory_region
    [InlineData(typeof(KvmUserspaceMemoryRegion), "Slot", 0)]
    [InlineData(typeof(KvmUserspaceMemoryRegion), "Flags", 4)]
    [InlineData(typeof(KvmUserspaceMemoryRegion), "GuestPhysAddr", 8)]
    [InlineData(typeof(KvmUserspaceMemoryRegion), "MemorySize", 16)]
    [InlineData(typeof(KvmUserspaceMemoryRegion), "UserspaceAddr", 24)]
    // struct kvm_regs
    [InlineData(typeof(KvmRegs), "Rax", 0)]
    [InlineData(typeof(KvmRegs), "Rsp", 48)]
    [InlineData(typeof(KvmRegs), "R8", 64)]
    [InlineData(typeof(KvmRegs), "R15", 120)]
    [InlineData(typeof(KvmRegs), "Rip", 128)]
    [InlineData(typeof(KvmRegs), "Rflags", 136)]
    // struct kvm_segment
    [InlineData(typeof(KvmSegment), "Base", 0)]
    [InlineData(typeof(KvmSegment), "Limit", 8)]
    [InlineData(typeof(KvmSegment), "Selector", 12)]
    [InlineData(typeof(KvmSegment), "Type", 14)]
    [InlineData(typeof(KvmSegment), "Present", 15)]
    [InlineData(typeof(KvmSegment), "Dpl", 16)]
    [InlineData(typeof(KvmSegment), "Db", 17)]
    [InlineData(typeof(KvmSegment), "S", 18)]
    [InlineData(typeof(KvmSegment), "L", 19)]
    [InlineData(typeof(KvmSegment), "G", 20)]
    [InlineData(typeof(KvmSegment), "Avl", 21)]
    [InlineData(typeof(KvmSegment), "Unusable", 22)]
    // struct kvm_dtable
    [InlineData(typeof(KvmDtable), "Base", 0)]
    [InlineData(typeof(KvmDtable), "Limit", 8)]
    // struct kvm_sregs
    [InlineData(typeof(KvmSregs), "Cs", 0)]
    [InlineData(typeof(KvmSregs), "Ds", 24)]
    [InlineData(typeof(KvmSregs), "Es", 48)]
    [InlineData(typeof(KvmSregs), "Fs", 72)]
    [InlineData(typeof(KvmSregs), "Gs", 96)]
    [InlineData(typeof(KvmSregs), "Ss", 120)]
    [InlineData(typeof(KvmSregs), "Tr", 144)]
    [InlineData(typeof(KvmSregs), "Ldt", 168)]
    [InlineData(typeof(KvmSregs), "Gdt", 192)]
    [InlineData(typeof(KvmSregs), "Idt", 208)]
    [InlineData(typeof(KvmSregs), "Cr0", 224)]
    [InlineData(typeof(KvmSregs), "Cr2", 232)]
    [InlineData(typeof(KvmSregs), "Cr3", 240)]
    [InlineData(typeof(KvmSregs), "Cr4", 248)]
    [InlineData(typeof(KvmSregs), "Cr8", 256)]
    [InlineData(typeof(KvmSregs), "Efer", 264)]
    [InlineData(typeof(KvmSregs), "ApicBase", 272)]
    [InlineData(typeof(KvmSregs), "InterruptBitmap", 280)]
    // struct kvm_cpuid_entry2 and kvm_cpuid2
    [InlineData(typeof(KvmCpuidEntry2), "Function", 0)]
    [InlineData(typeof(KvmCpuidEntry2), "Index", 4)]
    [InlineData(typeof(KvmCpuidEntry2), "Flags", 8)]
    [InlineData(typeof(KvmCpuidEntry2), "Eax", 12)]
    [InlineData(typeof(KvmCpuidEntry2), "Ebx", 16)]
    [InlineData(typeof(KvmCpuidEntry2), "Ecx", 20)]
    [InlineData(typeof(KvmCpuidEntry2), "Edx", 24)]
    [InlineData(typeof(KvmCpuidEntry2), "Padding", 28)]
    [InlineData(typeof(KvmCpuid2), "Nent", 0)]
    // struct kvm_run header
    [InlineData(typeof(KvmRun), "RequestInterruptWindow", 0)]
    [InlineData(typeof(KvmRun), "ImmediateExit", 1)]
    [InlineData(typeof(KvmRun), "ExitReason", 8)]
    [InlineData(typeof(KvmRun), "ReadyForInterruptInjection", 12)]
    [InlineData(typeof(KvmRun), "IfFlag", 13)]
    [InlineData(typeof(KvmRun), "Flags", 14)]
    [InlineData(typeof(KvmRun), "Cr8", 16)]
    [InlineData(typeof(KvmRun), "ApicBase", 24)]
    [InlineData(typeof(KvmRun), "KvmValidRegs", 288)]
    [InlineData(typeof(KvmRun), "KvmDirtyRegs", 296)]
    // kvm_run.hw (KVM_EXIT_UNKNOWN)
    [InlineData(typeof(KvmRun), "Hardware.HardwareExitReason", 32)]
    // kvm_run.fail_entry (KVM_EXIT_FAIL_ENTRY)
    [InlineData(typeof(KvmRun), "FailEntry.HardwareEntryFailureReason", 32)]
    [InlineData(typeof(KvmRun), "FailEntry.Cpu", 40)]
    // kvm_run.io (KVM_EXIT_IO)
    [InlineData(typeof(KvmRun), "Io.Direction", 32)]
    [InlineData(typeof(KvmRun), "Io.Size", 33)]
    [InlineData(typeof(KvmRun), "Io.Port", 34)]
    [InlineData(typeof(KvmRun), "Io.Count", 36)]
    [InlineData(typeof(KvmRun), "Io.DataOffset", 40)]
    // kvm_run.mmio (KVM_EXIT_MMIO)
    [InlineData(typeof(KvmRun), "Mmio.PhysAddr", 32)]
    [InlineData(typeof(KvmRun), "Mmio.Data", 40)]
    [InlineData(typeof(KvmRun), "Mmio.Length", 48)]
    [InlineData(typeof(KvmRun), "Mmio.IsWrite", 52)]
    // kvm_run.internal (KVM_EXIT_INTERNAL_ERROR)
    [InlineData(typeof(KvmRun), "Internal.Suberror", 32)]
    [InlineData(typeof(KvmRun), "Internal.Ndata", 36)]
    [InlineData(typeof(KvmRun), "Internal.Data", 40)]
    // kvm_run.system_event (KVM_EXIT_SYSTEM_EVENT)
    [InlineData(typeof(KvmRun), "SystemEvent.Type", 32)]
    [InlineData(typeof(KvmRun), "SystemEvent.Ndata", 36)]
    [InlineData(typeof(KvmRun), "SystemEvent.Data", 40)]
    // struct kvm_irq_level, kvm_pit_config
    [InlineData(typeof(KvmIrqLevel), "Irq", 0)]
    [InlineData(typeof(KvmIrqLevel), "Level", 4)]
    [InlineData(typeof(KvmPitConfig), "Flags", 0)]
    // struct kvm_irq_routing and kvm_irq_routing_entry (u.irqchip)
    [InlineData(typeof(KvmIrqRouting), "Nr", 0)]
    [InlineData(typeof(KvmIrqRouting), "Flags", 4)]
    [InlineData(typeof(KvmIrqRoutingEntry), "Gsi", 0)]
    [InlineData(typeof(KvmIrqRoutingEntry), "Type", 4)]
    [InlineData(typeof(KvmIrqRoutingEntry), "Flags", 8)]
    [InlineData(typeof(KvmIrqRoutingEntry), "Irqchip", 16)]
    [InlineData(typeof(KvmIrqRoutingEntry), "Pin", 20)]
    // struct kvm_irqchip, kvm_pit_state2, kvm_mp_state
    [InlineData(typeof(KvmIrqchip), "ChipId", 0)]
    [InlineData(typeof(KvmIrqchip), "Chip", 8)]
    [InlineData(typeof(KvmPitState2), "Flags", 72)]
    [InlineData(typeof(KvmMpState), "MpState", 0)]
    public void Field_offset_matches_the_kernel_header(Type type, string path, int expected) =>
        Assert.Equal(expected, OffsetOf(type, path));

    [Fact]
    public void VcpuRegisters_has_the_kvm_regs_layout_so_it_can_be_reinterpreted()
    {
        Assert.Equal(Unsafe.SizeOf<KvmRegs>(), Unsafe.SizeOf<VcpuRegisters>());
        FieldInfo[] fields = typeof(VcpuRegisters).GetFields(BindingFlags.Instance | BindingFlags.Public);
        Assert.Equal(18, fields.Length);
        foreach (FieldInfo field in fields)
            Assert.Equal(Marshal.OffsetOf<KvmRegs>(field.Name), Marshal.OffsetOf<VcpuRegisters>(field.Name));
    }

    private static int SizeOf(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    /// <summary>The offset of a dotted field path, as C's offsetof(struct kvm_run, io.data_offset).</summary>
    private static int OffsetOf(Type type, string path)
    {
        int offset = 0;
        foreach (string name in path.Split('.'))
        {
            offset += (int)Marshal.OffsetOf(type, name);
            type = type.GetField(name, BindingFlags.Instance | BindingFlags.Public)!.FieldType;
        }

        return offset;
    }
}
