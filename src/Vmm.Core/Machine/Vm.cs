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
    private int _resetPending;
    private int _resets;
    private string? _resetCause;
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

    /// <summary>The image the boot vCPU enters, again after each reset; null when the caller set the boot state itself.</summary>
    public IBootImage? BootImage { get; init; }

    /// <summary>Whether a reset boots the machine again (true) or stops it (<see cref="VmBuilder.RebootOnReset"/>).</summary>
    public bool RebootOnReset { get; init; } = true;

    /// <summary>How many times the machine was reset and booted again.</summary>
    public int ResetCount => Volatile.Read(ref _resets);

    /// <summary>
    /// Runs the guest until it stops and returns how it ended. Every vCPU runs on its own thread: vCPU 0 from its boot
    /// state, the others as the backend leaves an AP (waiting for INIT/SIPI from the guest through the interrupt
    /// controller, or for the stop where there is none). The VM stops when a device or the host asks, when any vCPU
    /// shuts down or fails, or when vCPU 0 halts with nothing to wake it. A reset stops every vCPU, puts the machine
    /// in its power-on state, loads the boot image again and goes on (unless <see cref="RebootOnReset"/> is false).
    /// </summary>
    public VmExitStatus Run()
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException("the VM is already running or has run");
        var pipeline = Pipeline;
        // StopVm from any middleware stops every vCPU, not only the one that exited: one compare per exit.
        ExitHandler vcpuPipeline = (ref ExitContext exit) =>
        {
            pipeline(ref exit);
            if (exit.Outcome == ExitOutcome.StopVm)
                StopVcpus();
        };
        while (true)
        {
            RunVcpusUntilAllStop(vcpuPipeline);
            if (Volatile.Read(ref _status) is not null || _stop.IsRequested || Interlocked.Exchange(ref _resetPending, 0) == 0)
                break;
            ResetMachine();
        }
        CloseConsolesAsync().AsTask().GetAwaiter().GetResult();
        return _status ?? new VmExitStatus(VmStopKind.Halted, VmExitStatus.Success);
    }

    /// <summary>Stops every vCPU from any thread; <see cref="Run"/> then returns <see cref="VmStopKind.Stopped"/>.</summary>
    public void Stop() => StopAll(new VmExitStatus(VmStopKind.Stopped, VmExitStatus.Success));

    void IVmControl.RequestStop(int exitCode) => StopAll(new VmExitStatus(VmStopKind.DeviceRequested, exitCode));

    void IVmControl.RequestReset() => Reset("a device asked for a reset");

    private void RunVcpusUntilAllStop(ExitHandler pipeline)
    {
        var threads = new Thread[_vcpus.Count];
        for (var i = 0; i < threads.Length; i++)
        {
            var vcpu = _vcpus[i];
            threads[i] = new Thread(() => RunVcpu(vcpu, pipeline)) { IsBackground = true, Name = $"vcpu{vcpu.Id}" };
            threads[i].Start();
        }
        foreach (var thread in threads)
            thread.Join();
    }

    private void RunVcpu(IVcpu vcpu, ExitHandler pipeline)
    {
        VcpuRunResult result;
        try
        {
            result = vcpu.Run(pipeline);
        }
        catch (Exception ex) when (ex is VmmException or InvalidOperationException)
        {
            result = new VcpuRunResult(VcpuStopReason.Fatal, $"vCPU {vcpu.Id}: {ex.Message}");
        }
        LogVcpuStopped(_logger, vcpu.Id, result.Reason);
        switch (result.Reason)
        {
            case VcpuStopReason.Halted when vcpu.Id == 0:
                // Only a VM without an interrupt controller sees HLT: nothing can wake the boot vCPU, and the APs
                // (which nothing can start either) are stopped with it.
                StopAll(new VmExitStatus(VmStopKind.Halted, VmExitStatus.Success));
                break;
            case VcpuStopReason.Shutdown:
                StopAll(new VmExitStatus(VmStopKind.Shutdown, VmExitStatus.GuestFault, result.Detail ?? $"vCPU {vcpu.Id} shut down (triple fault)"));
                break;
            case VcpuStopReason.Reset:
                Reset($"vCPU {vcpu.Id} asked for a reset");
                break;
            case VcpuStopReason.Fatal:
                StopAll(new VmExitStatus(VmStopKind.Fatal, VmExitStatus.GuestFault, result.Detail));
                break;
        }
    }

    private void Reset(string cause)
    {
        if (!RebootOnReset)
        {
            StopAll(new VmExitStatus(VmStopKind.Reset, VmExitStatus.Success, cause));
            return;
        }
        // Run resets the machine once every vCPU has returned; a stop that wins meanwhile ends the VM instead.
        if (Interlocked.Exchange(ref _resetPending, 1) == 0)
            _resetCause = cause;
        foreach (var vcpu in _vcpus)
            vcpu.RequestStop();
    }

    /// <summary>With every vCPU stopped: the machine to its power-on state, the image loaded again (RAM is not cleared, as on QEMU).</summary>
    private void ResetMachine()
    {
        var count = Interlocked.Increment(ref _resets);
        LogReset(_logger, count, _resetCause ?? "reset");
        try
        {
            _machine.Reset();
            if (BootImage is not null)
                _vcpus[0].SetBootState(BootImage.Load(Memory));
        }
        catch (Exception ex) when (ex is VmmException or ArgumentException or InvalidOperationException)
        {
            StopAll(new VmExitStatus(VmStopKind.Fatal, VmExitStatus.GuestFault, $"the machine could not be reset: {ex.Message}"));
            return;
        }
        // A stop or another reset requested while the machine was being reset must still be seen: the reset forgot
        // the vCPUs' stop requests.
        if (_stop.IsRequested || Volatile.Read(ref _resetPending) != 0)
            foreach (var vcpu in _vcpus)
                vcpu.RequestStop();
    }

    private void StopAll(VmExitStatus status)
    {
        // The first cause wins: a debug-exit's code must not be replaced by the stop it triggers.
        Interlocked.CompareExchange(ref _status, status, null);
        StopVcpus();
    }

    private void StopVcpus()
    {
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Machine reset #{Count} ({Cause}): every vCPU back to its power-on state, the boot image loaded again")]
    private static partial void LogReset(ILogger logger, int count, string cause);

    [LoggerMessage(Level = LogLevel.Debug, Message = "vCPU {VcpuId} stopped: {Reason}")]
    private static partial void LogVcpuStopped(ILogger logger, int vcpuId, VcpuStopReason reason);
}
