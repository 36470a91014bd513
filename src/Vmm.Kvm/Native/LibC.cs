using System.Runtime.InteropServices;

namespace Vmm.Kvm.Native;

/// <summary>
/// The few libc calls the KVM backend needs. Every import sets <c>errno</c> for
/// <see cref="Marshal.GetLastPInvokeError"/>; callers check every result.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    // fcntl.h (asm-generic/fcntl.h on x86-64).
    public const int O_RDWR = 0x2;
    public const int O_CLOEXEC = 0x80000;

    // sys/mman.h (asm-generic/mman-common.h, mman.h).
    public const int PROT_READ = 0x1;
    public const int PROT_WRITE = 0x2;
    public const int MAP_SHARED = 0x01;
    public const int MAP_PRIVATE = 0x02;
    public const int MAP_ANONYMOUS = 0x20;
    public const int MAP_NORESERVE = 0x4000;

    /// <summary>mmap's error return, <c>(void *)-1</c>.</summary>
    public static readonly nint MapFailed = -1;

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    // ioctl is variadic in C; on x86-64 System V a third integer/pointer argument is passed the same
    // way whether the callee is variadic or not, so fixed signatures are safe here.
    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(KvmFileDescriptor fd, ulong request, nint argument);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(KvmFileDescriptor fd, ulong request, void* argument);

    /// <summary>The raw-descriptor form for the <c>KVM_RUN</c> loop, which holds its own reference on the handle.</summary>
    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request, nint argument);

    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Library, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    [LibraryImport(Library, EntryPoint = "getpid")]
    public static partial int GetPid();

    [LibraryImport(Library, EntryPoint = "gettid")]
    public static partial int GetTid();

    [LibraryImport(Library, EntryPoint = "tgkill", SetLastError = true)]
    public static partial int TgKill(int processId, int threadId, int signal);
}
