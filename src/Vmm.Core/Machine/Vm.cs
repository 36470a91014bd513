using Microsoft.Extensions.Logging;
using Vmm.Core.Buses;
using Vmm.Core.Devices;
using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;
using Vmm.Core.Pipeline;
using Vmm.Sdk;

namespace Vmm.Core.Machine;

/// <summary>
/// A built VM: its RAM, devices, composed exit pipeline and vCPUs, each vCPU run on a dedicated OS thread.
/// Build one with <see cref="VmBuilder"/>; <see cref="Run"/> returns when the guest is done or
/// <see cref="Stop"/> is called from another thread.
/// </summary>
public sealed partial class Vm : IVmControl, IAsyncDisposable
{
    private readonly IVirtualMachine _machine;
    private readonly IReadOnlyList<IVcpu> _vcpus;
    private readonly IReadOnlyList<DeviceConsole> _consoles;
    private readonly IReadOnlyList<IDisposable> _owned;
    private readonly VmStopSignal _stop;
    private readonly ILogger _logger;
    private VmExitStatus? _status;
    private int _running;
    private bool _consolesClosed;

    internal Vm(
        IVirtualMachine machine,
        GuestMemory memory,
        IReadOnlyList<IVcpu> vcpus,
        IReadOnlyList<DeviceSlot> devices,
        IoBus ioBus,
        MmioBus mmioBus,
        IReadOnlyList<DeviceConsole> consoles,
        IReadOnlyList<IDisposable> owned,
        VmStopSignal stop,
        ExitMetrics metrics,
        UnclaimedAccessLog unclaimed,
        ILogger logger)
    {
        _machine = machine;
        Memory = memory;
        _vcpus = vcpus;
        Devices = devices;
        IoBus = ioBus;
        MmioBus = mmioBus;
        _consoles = consoles;
        _owned = owned;
        _stop = stop;
        Metrics = metrics;
        Unclaimed = unclaimed;
        _logger = logger;
    }

    /// <summary>The composed exit pipeline every vCPU runs its exits through.</summary>
    public ExitHandler Pipeline { get; internal set; } = static (ref ExitContext _) => { };

    public GuestMemory Memory { get; }

    /// <summary>The port bus: which device instance owns which ports (its <see cref="IoBus.Entries"/>).</summary>
    public IoBus IoBus { get; }

    /// <summary>The MMIO bus: which device instance owns which guest-physical ranges.</summary>
    public MmioBus MmioBus { get; }

    public IReadOnlyList<DeviceSlot> Devices { get; }

    public IReadOnlyList<IVcpu> Vcpus => _vcpus;

    public ExitMetrics Metrics { get; }

    public UnclaimedAccessLog Unclaimed { get; }

    /// <summary>How the VM ended; null while it runs.</summary>
    public VmExitStatus? Status => Volatile.Read(ref _status);

    /// <summary>
    /// Runs the guest until it stops and returns how it ended. Only vCPU 0 runs: the others wait for a
    /// startup IPI, which needs the interrupt controller a later machine model brings.
    /// </summary>
    public VmExitStatus Run()
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException("the VM is already running or has run");
        var runnable = _vcpus.Take(1).ToArray();
        var threads = new Thread[runnable.Length];
        for (var i = 0; i < runnable.Length; i++)
        {
            var vcpu = runnable[i];
            threads[i] = new Thread(() => RunVcpu(vcpu)) { IsBackground = true, Name = $"vcpu{vcpu.Id}" };
            threads[i].Start();
        }
        foreach (var thread in threads)
            thread.Join();
        CloseConsolesAsync().AsTask().GetAwaiter().GetResult();
        return _status ?? new VmExitStatus(VmStopKind.Halted, VmExitStatus.Success);
    }

    /// <summary>Stops every vCPU from any thread; <see cref="Run"/> then returns <see cref="VmStopKind.Stopped"/>.</summary>
    public void Stop() => StopAll(new VmExitStatus(VmStopKind.Stopped, VmExitStatus.Success));

    void IVmControl.RequestStop(int exitCode) => StopAll(new VmExitStatus(VmStopKind.DeviceRequested, exitCode));

    // Until the machine model re-enters the boot image, a reset request ends the run as a reset exit of a vCPU does.
    void IVmControl.RequestReset() => StopAll(new VmExitStatus(VmStopKind.Reset, VmExitStatus.Success, "a device asked for a reset"));

    private void RunVcpu(IVcpu vcpu)
    {
        VcpuRunResult result;
        try
        {
            result = vcpu.Run(Pipeline);
        }
        catch (Exception ex) when (ex is VmmException or InvalidOperationException)
        {
            result = new VcpuRunResult(VcpuStopReason.Fatal, $"vCPU {vcpu.Id}: {ex.Message}");
        }
        LogVcpuStopped(_logger, vcpu.Id, result.Reason);
        switch (result.Reason)
        {
            case VcpuStopReason.Shutdown:
                StopAll(new VmExitStatus(VmStopKind.Shutdown, VmExitStatus.GuestFault, result.Detail ?? $"vCPU {vcpu.Id} shut down (triple fault)"));
                break;
            case VcpuStopReason.Reset:
                StopAll(new VmExitStatus(VmStopKind.Reset, VmExitStatus.Success, $"vCPU {vcpu.Id} asked for a reset"));
                break;
            case VcpuStopReason.Fatal:
                StopAll(new VmExitStatus(VmStopKind.Fatal, VmExitStatus.GuestFault, result.Detail));
                break;
        }
    }

    private void StopAll(VmExitStatus status)
    {
        // The first cause wins: a debug-exit's code must not be replaced by the stop it triggers.
        Interlocked.CompareExchange(ref _status, status, null);
        _stop.Request();
        foreach (var vcpu in _vcpus)
            vcpu.RequestStop();
    }

    private async ValueTask CloseConsolesAsync()
    {
        if (_consolesClosed)
            return;
        _consolesClosed = true;
        foreach (var console in _consoles)
            await console.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        StopAll(new VmExitStatus(VmStopKind.Stopped, VmExitStatus.Success));
        await CloseConsolesAsync().ConfigureAwait(false);
        foreach (var vcpu in _vcpus)
            vcpu.Dispose();
        foreach (var owned in _owned)
            owned.Dispose();
        Metrics.Dispose();
        _machine.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "vCPU {VcpuId} stopped: {Reason}")]
    private static partial void LogVcpuStopped(ILogger logger, int vcpuId, VcpuStopReason reason);
}
