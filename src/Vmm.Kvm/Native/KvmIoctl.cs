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

    // vCPU ioctls, on the descriptor KVM_CREATE_VCPU returned.
    public const ulong Run = 0xAE80;                     // _IO(KVMIO, 0x80)
    public const ulong GetRegs = 0x8090AE81;             // _IOR(KVMIO, 0x81, struct kvm_regs)
    public const ulong SetRegs = 0x4090AE82;             // _IOW(KVMIO, 0x82, struct kvm_regs)
    public const ulong GetSregs = 0x8138AE83;            // _IOR(KVMIO, 0x83, struct kvm_sregs)
    public const ulong SetSregs = 0x4138AE84;            // _IOW(KVMIO, 0x84, struct kvm_sregs)
    public const ulong SetCpuid2 = 0x4008AE90;           // _IOW(KVMIO, 0x90, struct kvm_cpuid2)
    public const ulong GetCpuid2 = 0xC008AE91;           // _IOWR(KVMIO, 0x91, struct kvm_cpuid2)

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
