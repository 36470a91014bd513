using System.Runtime.InteropServices;
using Vmm.Core.Hypervisor;

namespace Vmm.Kvm;

/// <summary>
/// The signal that kicks a vCPU thread out of KVM_RUN. KVM_RUN returns EINTR when a signal with a
/// handler arrives (Documentation/virt/kvm/api.rst, KVM_RUN and KVM_EXIT_INTR); an ignored or default
/// signal would either not interrupt it or kill the process. SIGRTMIN is taken by the .NET runtime, so
/// this is SIGUSR2 (12 on x86-64, arch/x86/include/uapi/asm/signal.h), handled by a no-op.
/// </summary>
/// <remarks>
/// The handler is installed through <see cref="PosixSignalRegistration"/>, which accepts raw signal
/// numbers on Unix. The runtime's native handler only queues the signal for a managed dispatcher, and
/// the managed callback sets <see cref="PosixSignalContext.Cancel"/>: without it the runtime would
/// restore the default action (terminate) and re-raise the signal.
/// </remarks>
internal static class VcpuKickSignal
{
    /// <summary>SIGUSR2.</summary>
    public const int Number = 12;

    private static readonly object s_lock = new();
    private static PosixSignalRegistration? s_registration;

    /// <summary>Installs the no-op handler once per process; throws <see cref="HypervisorException"/> if the runtime refuses.</summary>
    public static void EnsureInstalled()
    {
        if (Volatile.Read(ref s_registration) is not null)
            return;
        lock (s_lock)
        {
            if (s_registration is not null)
                return;
            try
            {
                s_registration = PosixSignalRegistration.Create((PosixSignal)Number, static context => context.Cancel = true);
            }
            catch (Exception e) when (e is PlatformNotSupportedException or IOException or ArgumentOutOfRangeException)
            {
                throw new HypervisorException(
                    $"cannot install a handler for signal {Number} (SIGUSR2), which stops vCPUs: {e.Message}", e);
            }
        }
    }
}
