using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Emulation.Chipset;

namespace Vmm.Sdk.Testing;

/// <summary>
/// A guest running in the background, started by <see cref="TestVm.StartGuest(byte[], CpuMode, ulong)"/>, so the test
/// can drive time while it runs: a guest that waits in <c>hlt</c> for timer interrupts only moves on when the test
/// advances <see cref="TestVm.Clock"/>. <see cref="AdvanceClockWhenIdle"/> waits until the guest is halted with
/// nothing left to handle, then advances the clock; <see cref="Wait"/> returns how the run ended.
/// </summary>
/// <example>
/// <code>
/// using var run = vm.StartGuest(program);                 // programs the PIT for 1 kHz, counts ticks in hlt
/// for (int i = 0; i &lt; 5; i++)
///     run.AdvanceClockWhenIdle(TimeSpan.FromMilliseconds(1));
/// GuestRunResult result = run.Wait();                    // the guest stopped the VM after 5 ticks
/// </code>
/// </example>
public sealed class GuestRun : IDisposable
{
    private static readonly TimeSpan s_slice = TimeSpan.FromMilliseconds(50);

    private readonly TestVm _vm;
    private readonly Thread _thread;
    private readonly TimeSpan _defaultTimeout;
    private VmExitStatus? _status;
    private Exception? _error;
    private GuestRunResult? _result;

    internal GuestRun(TestVm vm, IVcpu vcpu, PcChipset? chipset, TimeSpan defaultTimeout)
    {
        _vm = vm;
        Vcpu = vcpu;
        Chipset = chipset;
        _defaultTimeout = defaultTimeout;
        _thread = new Thread(() =>
        {
            try
            {
                _status = vm.Vm.Run();
            }
            catch (Exception ex)
            {
                _error = ex;
            }
        })
        { IsBackground = true, Name = "TestVm guest" };
        _thread.Start();
    }

    /// <summary>True while the guest runs.</summary>
    public bool IsRunning => _thread.IsAlive;

    internal IVcpu Vcpu { get; }

    internal PcChipset? Chipset { get; }

    internal VmExitStatus? Status => _status;

    internal Exception? Error => _error;

    /// <summary>
    /// Waits until vCPU 0 is halted with interrupts enabled and nothing pending: everything that has happened is
    /// handled, and only something from outside (the clock, a device) can wake it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The guest stopped instead (the message says how), or the VM has no PC chipset.</exception>
    /// <exception cref="TimeoutException">The guest did not go idle within <paramref name="timeout"/> (the test's guest timeout by default).</exception>
    public void WaitUntilIdle(TimeSpan? timeout = null)
    {
        var chipset = Chipset ?? throw new InvalidOperationException("this VM has no PC chipset to wait on; " + _vm.WhyNoChipset);
        var deadline = DateTime.UtcNow + (timeout ?? _defaultTimeout);
        while (!chipset.WaitUntilIdle(s_slice))
        {
            if (!_thread.IsAlive)
            {
                var result = Wait();
                throw new InvalidOperationException($"the guest stopped ({result.Status.Kind}, exit code {result.ExitCode}) instead of waiting for an interrupt");
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the guest did not halt waiting for an interrupt within {timeout ?? _defaultTimeout}; it is at {Vcpu.DescribeState()}");
        }
    }

    /// <summary>Waits until the guest is idle (<see cref="WaitUntilIdle"/>), then advances <see cref="TestVm.Clock"/> by <paramref name="step"/>.</summary>
    public void AdvanceClockWhenIdle(TimeSpan step)
    {
        WaitUntilIdle();
        _vm.Clock.Advance(step);
    }

    /// <summary>
    /// Waits for the guest to stop and returns how, as <see cref="TestVm.RunGuest(byte[], CpuMode, ulong, TimeSpan?)"/>
    /// does (with the same exceptions); after <paramref name="timeout"/> the VM is stopped and a <see cref="TimeoutException"/> thrown.
    /// </summary>
    public GuestRunResult Wait(TimeSpan? timeout = null) => _result ??= _vm.FinishGuest(this, _thread, timeout ?? _defaultTimeout);

    /// <summary>Stops the guest if it still runs (without throwing for how it ended).</summary>
    public void Dispose()
    {
        if (_result is not null)
            return;
        if (_thread.IsAlive)
            _vm.Vm.Stop();
        try
        {
            Wait(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or DeviceFaultException or UnhandledAccessException)
        {
            // Disposing a run is not the place to report how it ended.
        }
    }
}
