using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary>
/// An owned <c>mmap</c> mapping (guest RAM or a vCPU's <c>kvm_run</c> page), unmapped once the last
/// reference is released, so the run loop can hold it alive across a concurrent Dispose.
/// </summary>
internal sealed class MemoryMapping : SafeHandle
{
    private MemoryMapping(nint address, nuint length) : base(invalidHandleValue: LibC.MapFailed, ownsHandle: true)
    {
        SetHandle(address);
        Length = length;
    }

    /// <summary>The mapping's size in bytes.</summary>
    public nuint Length { get; }

    /// <summary>The mapping's first byte; valid while a reference is held or the mapping is not disposed.</summary>
    public nint Address => handle;

    public override bool IsInvalid => handle == LibC.MapFailed || handle == 0;

    /// <summary>
    /// Zeroed private memory whose pages are committed on first touch (MAP_NORESERVE), so a large guest
    /// costs only what it uses.
    /// </summary>
    public static MemoryMapping MapAnonymous(nuint length)
    {
        nint address = LibC.Mmap(0, length, LibC.PROT_READ | LibC.PROT_WRITE,
            LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1, 0);
        if (address == LibC.MapFailed)
            throw new KvmException($"mmap of {length} bytes of guest RAM", Marshal.GetLastPInvokeError());
        return new MemoryMapping(address, length);
    }

    /// <summary>A shared mapping of <paramref name="fd"/> from offset 0 (the vCPU's kvm_run, Documentation/virt/kvm/api.rst, KVM_GET_VCPU_MMAP_SIZE).</summary>
    public static MemoryMapping MapShared(KvmFileDescriptor fd, nuint length, string what)
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            nint address = LibC.Mmap(0, length, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED,
                (int)fd.DangerousGetHandle(), 0);
            if (address == LibC.MapFailed)
                throw new KvmException($"mmap of {what}", Marshal.GetLastPInvokeError());
            return new MemoryMapping(address, length);
        }
        finally
        {
            if (added)
                fd.DangerousRelease();
        }
    }

    protected override bool ReleaseHandle() => LibC.Munmap(handle, Length) == 0;
}
