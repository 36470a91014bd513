namespace Vmm.Kvm.Native;

/// <summary>KVM_CHECK_EXTENSION arguments this backend asks about (include/uapi/linux/kvm.h, KVM_CAP_*).</summary>
internal static class KvmCapability
{
    public const int Irqchip = 0;
    public const int UserMemory = 3;
    public const int SetTssAddr = 4;
    public const int NrVcpus = 9;
    public const int NrMemslots = 10;
    public const int IrqRouting = 25;
    public const int Pit2 = 33;
    public const int SetIdentityMapAddr = 37;
    public const int MaxVcpus = 66;
    public const int ImmediateExit = 136;
}
