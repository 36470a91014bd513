using Vmm.Core.Hypervisor;
using Vmm.Kvm.Native;

namespace Vmm.Kvm;

/// <summary>
/// A KVM call failed: the message names the operation (the ioctl, mmap or open) and the errno with
/// its text, e.g. <c>KVM_SET_SREGS failed: EINVAL (Invalid argument)</c>.
/// </summary>
public sealed class KvmException : HypervisorException
{
    /// <summary>Creates the error for <paramref name="operation"/> failing with <paramref name="errno"/>.</summary>
    /// <param name="operation">The ioctl or call that failed (<c>KVM_CREATE_VM</c>).</param>
    /// <param name="errno">The errno it set.</param>
    /// <param name="hint">What a person can do about it, if anything is known.</param>
    public KvmException(string operation, int errno, string? hint = null)
        : base(FormatMessage(operation, errno, hint))
    {
        Operation = operation;
        Errno = errno;
    }

    /// <summary>The ioctl or call that failed.</summary>
    public string Operation { get; }

    /// <summary>The errno it returned.</summary>
    public int Errno { get; }

    private static string FormatMessage(string operation, int errno, string? hint) =>
        hint is null
            ? $"{operation} failed: {Native.Errno.Describe(errno)}"
            : $"{operation} failed: {Native.Errno.Describe(errno)}; {hint}";
}
