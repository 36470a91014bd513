using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary>
/// KVM ioctl request numbers (include/uapi/linux/kvm.h, KVMIO = 0xAE) and checked wrappers. The numbers
/// follow the _IOC encoding of include/uapi/asm-generic/ioctl.h: dir &lt;&lt; 30 | size &lt;&lt; 16 | 0xAE &lt;&lt; 8 | nr,
/// with size = sizeof the struct named in the header (a test recomputes each from our struct sizes).
/// </summary>
internal static unsafe class KvmIoctl
{
    // System ioctls, on the /dev/kvm descriptor.
    public const ulong GetApiVersion = 0xAE00;           // _IO(KVMIO, 0x00)
    public const ulong CreateVm = 0xAE01;                // _IO(KVMIO, 0x01)
    public const ulong CheckExtension = 0xAE03;          // _IO(KVMIO, 0x03)
    public const ulong GetVcpuMmapSize = 0xAE04;         // _IO(KVMIO, 0x04)
    public const ulong GetSupportedCpuid = 0xC008AE05;   // _IOWR(KVMIO, 0x05, struct kvm_cpuid2)

    // VM ioctls, on the descriptor KVM_CREATE_VM returned.
    public const ulong CreateVcpu = 0xAE41;              // _IO(KVMIO, 0x41)
    public const ulong SetUserMemoryRegion = 0x4020AE46; // _IOW(KVMIO, 0x46, struct kvm_userspace_memory_region)
    public const ulong SetTssAddr = 0xAE47;              // _IO(KVMIO, 0x47)
    public const ulong SetIdentityMapAddr = 0x4008AE48;  // _IOW(KVMIO, 0x48, __u64)
    public const ulong CreateIrqchip = 0xAE60;           // _IO(KVMIO, 0x60)
    public const ulong IrqLine = 0x4008AE61;             // _IOW(KVMIO, 0x61, struct kvm_irq_level)
    public const ulong GetIrqchip = 0xC208AE62;          // _IOWR(KVMIO, 0x62, struct kvm_irqchip)
    public const ulong SetIrqchip = 0x8208AE63;          // _IOR(KVMIO, 0x63, struct kvm_irqchip): _IOR in the header, though it writes
    public const ulong SetGsiRouting = 0x4008AE6A;       // _IOW(KVMIO, 0x6a, struct kvm_irq_routing)
    public const ulong CreatePit2 = 0x4040AE77;          // _IOW(KVMIO, 0x77, struct kvm_pit_config)
    public const ulong GetPit2 = 0x8070AE9F;             // _IOR(KVMIO, 0x9f, struct kvm_pit_state2)
    public const ulong SetPit2 = 0x4070AEA0;             // _IOW(KVMIO, 0xa0, struct kvm_pit_state2)

    // vCPU ioctls, on the descriptor KVM_CREATE_VCPU returned.
    public const ulong Run = 0xAE80;                     // _IO(KVMIO, 0x80)
    public const ulong GetRegs = 0x8090AE81;             // _IOR(KVMIO, 0x81, struct kvm_regs)
    public const ulong SetRegs = 0x4090AE82;             // _IOW(KVMIO, 0x82, struct kvm_regs)
    public const ulong GetSregs = 0x8138AE83;            // _IOR(KVMIO, 0x83, struct kvm_sregs)
    public const ulong SetSregs = 0x4138AE84;            // _IOW(KVMIO, 0x84, struct kvm_sregs)
    public const ulong SetCpuid2 = 0x4008AE90;           // _IOW(KVMIO, 0x90, struct kvm_cpuid2)
    public const ulong GetCpuid2 = 0xC008AE91;           // _IOWR(KVMIO, 0x91, struct kvm_cpuid2)
    public const ulong GetFpu = 0x81A0AE8C;              // _IOR(KVMIO, 0x8c, struct kvm_fpu)
    public const ulong SetFpu = 0x41A0AE8D;              // _IOW(KVMIO, 0x8d, struct kvm_fpu)
    public const ulong GetLapic = 0x8400AE8E;            // _IOR(KVMIO, 0x8e, struct kvm_lapic_state)
    public const ulong SetLapic = 0x4400AE8F;            // _IOW(KVMIO, 0x8f, struct kvm_lapic_state)
    public const ulong GetMpState = 0x8004AE98;          // _IOR(KVMIO, 0x98, struct kvm_mp_state)
    public const ulong SetMpState = 0x4004AE99;          // _IOW(KVMIO, 0x99, struct kvm_mp_state)
    public const ulong GetVcpuEvents = 0x8040AE9F;       // _IOR(KVMIO, 0x9f, struct kvm_vcpu_events)
    public const ulong SetVcpuEvents = 0x4040AEA0;       // _IOW(KVMIO, 0xa0, struct kvm_vcpu_events)

    /// <summary>Issues <paramref name="request"/> with an integer argument; throws <see cref="KvmException"/> naming <paramref name="name"/> and errno.</summary>
    public static int Call(KvmFileDescriptor fd, ulong request, nint argument, string name)
    {
        int result = LibC.Ioctl(fd, request, argument);
        if (result < 0)
            throw new KvmException(name, Marshal.GetLastPInvokeError());
        return result;
    }

    /// <summary>Issues <paramref name="request"/> with a pointer argument; throws <see cref="KvmException"/> naming <paramref name="name"/> and errno.</summary>
    public static int Call(KvmFileDescriptor fd, ulong request, void* argument, string name)
    {
        int result = LibC.Ioctl(fd, request, argument);
        if (result < 0)
            throw new KvmException(name, Marshal.GetLastPInvokeError());
        return result;
    }
}
