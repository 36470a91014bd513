using System.Runtime.InteropServices;
using Vmm.Core.Hypervisor;
using Vmm.Kvm.Native;

namespace Vmm.Kvm;

/// <summary>
/// Linux KVM, through <c>/dev/kvm</c>. One instance per process is enough; the VMs it creates stay valid
/// after it is disposed.
/// </summary>
/// <example>
/// <code>
/// if (!KvmHypervisor.IsAvailable(out string reason)) throw new InvalidOperationException(reason);
/// using var kvm = new KvmHypervisor();
/// using var vm = kvm.CreateVirtualMachine();
/// GuestMemoryRegion ram = vm.AddRam(0, 64 &lt;&lt; 20);
/// using var vcpu = vm.CreateVcpu(0);
/// </code>
/// </example>
public sealed unsafe class KvmHypervisor : IHypervisor, IDisposable
{
    /// <summary>The KVM device node.</summary>
    public const string DevicePath = "/dev/kvm";

    /// <summary>KVM_API_VERSION of include/uapi/linux/kvm.h; it has not changed since Linux 2.6.22.</summary>
    public const int ApiVersion = 12;

    // KVM_GET_SUPPORTED_CPUID fails with E2BIG until nent is large enough (api.rst,
    // KVM_GET_SUPPORTED_CPUID); KVM keeps at most KVM_MAX_CPUID_ENTRIES (256) entries.
    private const int InitialCpuidEntries = 64;
    private const int MaxCpuidEntries = 4096;

    private readonly KvmFileDescriptor _kvm;
    private readonly KvmCpuidEntry2[] _cpuid;

    /// <summary>Opens <see cref="DevicePath"/> with <see cref="CpuidPolicy.CreateDefault"/>.</summary>
    /// <exception cref="KvmException">/dev/kvm cannot be opened or is not the KVM this backend needs.</exception>
    public KvmHypervisor() : this(CpuidPolicy.CreateDefault())
    {
    }

    /// <summary>Opens <see cref="DevicePath"/>; every vCPU gets the supported CPUID minus <paramref name="cpuidPolicy"/>'s bits, as the policy is now.</summary>
    /// <exception cref="KvmException">/dev/kvm cannot be opened or is not the KVM this backend needs.</exception>
    public KvmHypervisor(CpuidPolicy cpuidPolicy)
    {
        ArgumentNullException.ThrowIfNull(cpuidPolicy);
        _kvm = KvmFileDescriptor.Open(DevicePath);
        try
        {
            int version = KvmIoctl.Call(_kvm, KvmIoctl.GetApiVersion, 0, "KVM_GET_API_VERSION");
            if (version != ApiVersion)
                throw new HypervisorException($"{DevicePath} speaks KVM API {version}; this backend needs {ApiVersion}.");

            RequireExtension(KvmCapability.UserMemory, "KVM_CAP_USER_MEMORY");
            RequireExtension(KvmCapability.ImmediateExit, "KVM_CAP_IMMEDIATE_EXIT");

            // api.rst, KVM_CREATE_VCPU: NR_VCPUS is the recommended count, MAX_VCPUS the limit; without
            // them assume 4 and "the same as NR_VCPUS".
            int recommended = CheckExtension(KvmCapability.NrVcpus);
            RecommendedVcpus = recommended > 0 ? recommended : 4;
            int max = CheckExtension(KvmCapability.MaxVcpus);
            MaxVcpus = max > 0 ? max : RecommendedVcpus;

            VcpuMmapSize = KvmIoctl.Call(_kvm, KvmIoctl.GetVcpuMmapSize, 0, "KVM_GET_VCPU_MMAP_SIZE");
            _cpuid = GetSupportedCpuid();
            cpuidPolicy.Apply(_cpuid);
            CpuidPolicy = cpuidPolicy;
        }
        catch
        {
            _kvm.Dispose();
            throw;
        }
    }

    /// <summary><c>kvm</c>.</summary>
    public string Name => "kvm";

    /// <inheritdoc />
    public int RecommendedVcpus { get; }

    /// <inheritdoc />
    public int MaxVcpus { get; }

    /// <summary>
    /// Gives each VM KVM's in-kernel PC interrupt controllers and timer (PIC pair, IOAPIC, a local APIC per vCPU,
    /// PIT), so <see cref="KvmVirtualMachine.GetInterruptLine"/> reaches the guest and APs start on INIT/SIPI. KVM
    /// then handles HLT itself: a halted vCPU waits for an interrupt and never exits as <c>Halt</c>. Off by
    /// default, as KVM_CREATE_VM leaves it; a PC machine turns it on.
    /// </summary>
    public bool InKernelIrqchip { get; init; }

    /// <summary>The policy the CPUID given to vCPUs was filtered with.</summary>
    public CpuidPolicy CpuidPolicy { get; }

    /// <summary>Bytes to mmap from a vCPU descriptor: kvm_run plus the PIO data page and others (KVM_GET_VCPU_MMAP_SIZE).</summary>
    internal int VcpuMmapSize { get; }

    /// <summary>The filtered KVM_GET_SUPPORTED_CPUID entries vCPUs start from.</summary>
    internal ReadOnlySpan<KvmCpuidEntry2> SupportedCpuid => _cpuid;

    /// <summary>
    /// Whether this process can use KVM; if not, <paramref name="reason"/> says why and what to do
    /// (missing <c>/dev/kvm</c>, permission, API version). Empty when available.
    /// </summary>
    public static bool IsAvailable(out string reason)
    {
        if (!OperatingSystem.IsLinux())
        {
            reason = "KVM needs Linux.";
            return false;
        }

        if (!File.Exists(DevicePath))
        {
            reason = $"{DevicePath} does not exist: {KvmFileDescriptor.OpenHint(Errno.ENOENT)}.";
            return false;
        }

        int fd = LibC.Open(DevicePath, LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            string? hint = KvmFileDescriptor.OpenHint(errno);
            reason = $"cannot open {DevicePath}: {Errno.Describe(errno)}{(hint is null ? "" : "; " + hint)}.";
            return false;
        }

        try
        {
            int version = LibC.Ioctl(fd, KvmIoctl.GetApiVersion, 0);
            if (version != ApiVersion)
            {
                reason = version < 0
                    ? $"{DevicePath} does not answer KVM_GET_API_VERSION: {Errno.Describe(Marshal.GetLastPInvokeError())}."
                    : $"{DevicePath} speaks KVM API {version}; this backend needs {ApiVersion}.";
                return false;
            }
        }
        finally
        {
            LibC.Close(fd);
        }

        reason = string.Empty;
        return true;
    }

    /// <summary>
    /// KVM_CREATE_VM, then the TSS and identity-map pages (see <see cref="KvmVirtualMachine.TssAddress"/>) and, with
    /// <see cref="InKernelIrqchip"/>, the interrupt controllers and PIT.
    /// </summary>
    public KvmVirtualMachine CreateVirtualMachine()
    {
        // Machine type 0: the default x86 VM (api.rst, KVM_CREATE_VM).
        int fd = KvmIoctl.Call(_kvm, KvmIoctl.CreateVm, 0, "KVM_CREATE_VM");
        return new KvmVirtualMachine(this, KvmFileDescriptor.Own(fd), InKernelIrqchip);
    }

    IVirtualMachine IHypervisor.CreateVirtualMachine() => CreateVirtualMachine();

    /// <summary>Closes /dev/kvm; VMs already created keep working.</summary>
    public void Dispose() => _kvm.Dispose();

    private int CheckExtension(int capability) =>
        KvmIoctl.Call(_kvm, KvmIoctl.CheckExtension, capability, "KVM_CHECK_EXTENSION");

    private void RequireExtension(int capability, string name)
    {
        if (CheckExtension(capability) <= 0)
            throw new HypervisorException($"{DevicePath} lacks {name}, which this backend needs; use a newer kernel.");
    }

    private KvmCpuidEntry2[] GetSupportedCpuid()
    {
        for (int capacity = InitialCpuidEntries; ; capacity *= 2)
        {
            nuint bytes = (nuint)(sizeof(KvmCpuid2) + capacity * sizeof(KvmCpuidEntry2));
            var buffer = (KvmCpuid2*)NativeMemory.AllocZeroed(bytes);
            try
            {
                buffer->Nent = (uint)capacity;
                int result = LibC.Ioctl(_kvm, KvmIoctl.GetSupportedCpuid, buffer);
                if (result < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.E2BIG && capacity < MaxCpuidEntries)
                        continue;
                    throw new KvmException("KVM_GET_SUPPORTED_CPUID", errno);
                }

                var entries = new ReadOnlySpan<KvmCpuidEntry2>(buffer + 1, (int)buffer->Nent);
                return entries.ToArray();
            }
            finally
            {
                NativeMemory.Free(buffer);
            }
        }
    }
}
