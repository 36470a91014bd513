using System.Runtime.CompilerServices;
using Vmm.Kvm.Native;

namespace Vmm.Kvm.Tests.Native;

/// <summary>Each request number is the _IOC encoding (asm-generic/ioctl.h) of its header definition, sized by our structs.</summary>
public sealed class KvmIoctlTests
{
    private const ulong None = 0, Write = 1, Read = 2;

    public static TheoryData<string, ulong, ulong> Requests => new()
    {
        { "KVM_GET_API_VERSION", KvmIoctl.GetApiVersion, Ioc(None, 0x00, 0) },
        { "KVM_CREATE_VM", KvmIoctl.CreateVm, Ioc(None, 0x01, 0) },
        { "KVM_CHECK_EXTENSION", KvmIoctl.CheckExtension, Ioc(None, 0x03, 0) },
        { "KVM_GET_VCPU_MMAP_SIZE", KvmIoctl.GetVcpuMmapSize, Ioc(None, 0x04, 0) },
        { "KVM_GET_SUPPORTED_CPUID", KvmIoctl.GetSupportedCpuid, Ioc(Read | Write, 0x05, Unsafe.SizeOf<KvmCpuid2>()) },
        { "KVM_CREATE_VCPU", KvmIoctl.CreateVcpu, Ioc(None, 0x41, 0) },
        { "KVM_SET_USER_MEMORY_REGION", KvmIoctl.SetUserMemoryRegion, Ioc(Write, 0x46, Unsafe.SizeOf<KvmUserspaceMemoryRegion>()) },
        { "KVM_SET_TSS_ADDR", KvmIoctl.SetTssAddr, Ioc(None, 0x47, 0) },
        { "KVM_SET_IDENTITY_MAP_ADDR", KvmIoctl.SetIdentityMapAddr, Ioc(Write, 0x48, sizeof(ulong)) },
        { "KVM_CREATE_IRQCHIP", KvmIoctl.CreateIrqchip, Ioc(None, 0x60, 0) },
        { "KVM_IRQ_LINE", KvmIoctl.IrqLine, Ioc(Write, 0x61, Unsafe.SizeOf<KvmIrqLevel>()) },
        { "KVM_GET_IRQCHIP", KvmIoctl.GetIrqchip, Ioc(Read | Write, 0x62, Unsafe.SizeOf<KvmIrqchip>()) },
        { "KVM_SET_IRQCHIP", KvmIoctl.SetIrqchip, Ioc(Read, 0x63, Unsafe.SizeOf<KvmIrqchip>()) },
        { "KVM_SET_GSI_ROUTING", KvmIoctl.SetGsiRouting, Ioc(Write, 0x6a, Unsafe.SizeOf<KvmIrqRouting>()) },
        { "KVM_CREATE_PIT2", KvmIoctl.CreatePit2, Ioc(Write, 0x77, Unsafe.SizeOf<KvmPitConfig>()) },
        { "KVM_GET_PIT2", KvmIoctl.GetPit2, Ioc(Read, 0x9f, Unsafe.SizeOf<KvmPitState2>()) },
        { "KVM_SET_PIT2", KvmIoctl.SetPit2, Ioc(Write, 0xa0, Unsafe.SizeOf<KvmPitState2>()) },
        { "KVM_RUN", KvmIoctl.Run, Ioc(None, 0x80, 0) },
        { "KVM_GET_REGS", KvmIoctl.GetRegs, Ioc(Read, 0x81, Unsafe.SizeOf<KvmRegs>()) },
        { "KVM_SET_REGS", KvmIoctl.SetRegs, Ioc(Write, 0x82, Unsafe.SizeOf<KvmRegs>()) },
        { "KVM_GET_SREGS", KvmIoctl.GetSregs, Ioc(Read, 0x83, Unsafe.SizeOf<KvmSregs>()) },
        { "KVM_SET_SREGS", KvmIoctl.SetSregs, Ioc(Write, 0x84, Unsafe.SizeOf<KvmSregs>()) },
        { "KVM_SET_CPUID2", KvmIoctl.SetCpuid2, Ioc(Write, 0x90, Unsafe.SizeOf<KvmCpuid2>()) },
        { "KVM_GET_CPUID2", KvmIoctl.GetCpuid2, Ioc(Read | Write, 0x91, Unsafe.SizeOf<KvmCpuid2>()) },
        { "KVM_GET_FPU", KvmIoctl.GetFpu, Ioc(Read, 0x8c, Unsafe.SizeOf<KvmFpu>()) },
        { "KVM_SET_FPU", KvmIoctl.SetFpu, Ioc(Write, 0x8d, Unsafe.SizeOf<KvmFpu>()) },
        { "KVM_GET_LAPIC", KvmIoctl.GetLapic, Ioc(Read, 0x8e, Unsafe.SizeOf<KvmLapicState>()) },
        { "KVM_SET_LAPIC", KvmIoctl.SetLapic, Ioc(Write, 0x8f, Unsafe.SizeOf<KvmLapicState>()) },
        { "KVM_GET_MP_STATE", KvmIoctl.GetMpState, Ioc(Read, 0x98, Unsafe.SizeOf<KvmMpState>()) },
        { "KVM_SET_MP_STATE", KvmIoctl.SetMpState, Ioc(Write, 0x99, Unsafe.SizeOf<KvmMpState>()) },
        { "KVM_GET_VCPU_EVENTS", KvmIoctl.GetVcpuEvents, Ioc(Read, 0x9f, Unsafe.SizeOf<KvmVcpuEvents>()) },
        { "KVM_SET_VCPU_EVENTS", KvmIoctl.SetVcpuEvents, Ioc(Write, 0xa0, Unsafe.SizeOf<KvmVcpuEvents>()) },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Request_number_is_the_ioc_encoding_of_the_header_definition(string name, ulong actual, ulong expected) =>
        Assert.True(expected == actual, $"{name}: 0x{actual:x} but _IOC gives 0x{expected:x}");

    private static ulong Ioc(ulong direction, ulong number, int size) =>
        direction << 30 | (ulong)size << 16 | 0xAEul << 8 | number;
}
