using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary>
/// An owned file descriptor: <c>/dev/kvm</c>, a VM or a vCPU. Closed once, after the last call that
/// holds a reference on it has returned, so a descriptor in use by <c>KVM_RUN</c> is never reused.
/// </summary>
internal sealed class KvmFileDescriptor : SafeHandle
{
    public KvmFileDescriptor() : base(invalidHandleValue: -1, ownsHandle: true)
    {
    }

    private KvmFileDescriptor(int fd) : this() => SetHandle(fd);

    public override bool IsInvalid => handle < 0;

    /// <summary>Opens <paramref name="path"/> read-write, close-on-exec; throws <see cref="KvmException"/> naming the errno.</summary>
    public static KvmFileDescriptor Open(string path)
    {
        int fd = LibC.Open(path, LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new KvmException($"open {path}", errno, OpenHint(errno));
        }

        return new KvmFileDescriptor(fd);
    }

    /// <summary>Takes ownership of a descriptor an ioctl returned (KVM_CREATE_VM, KVM_CREATE_VCPU).</summary>
    public static KvmFileDescriptor Own(int fd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fd);
        return new KvmFileDescriptor(fd);
    }

    /// <summary>What a person can do about a failed open of /dev/kvm.</summary>
    public static string? OpenHint(int errno) => errno switch
    {
        Errno.ENOENT or Errno.ENODEV or Errno.ENXIO =>
            "KVM is not enabled: load the kvm_intel or kvm_amd module, or enable (nested) virtualization for this machine",
        Errno.EACCES or Errno.EPERM =>
            "add your user to the group that owns /dev/kvm (usually 'kvm') and log in again",
        _ => null,
    };

    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
