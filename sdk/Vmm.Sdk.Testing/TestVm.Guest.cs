using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Sdk.Testing.Backend;

namespace Vmm.Sdk.Testing;

public sealed partial class TestVm
{
    /// <summary>Where <see cref="RunGuest(byte[], CpuMode, ulong, TimeSpan?)"/> loads a program unless told otherwise: a boot sector's address.</summary>
    public const ulong DefaultLoadAddress = 0x7c00;

    private bool _guestStarted;
    private bool _guestStuck;

    /// <summary>
    /// Loads <paramref name="program"/> at <paramref name="loadAddress"/>, starts vCPU 0 there in <paramref name="mode"/>
    /// and runs it on the guest hypervisor (the x86 emulator) until the guest halts or the VM stops (a debug-exit
    /// write, say). Its exits go through the same pipeline as scripted accesses, and into <see cref="Exits"/>.
    /// </summary>
    /// <param name="program">Machine code; execution starts at its first byte.</param>
    /// <param name="mode">
    /// The CPU mode: <see cref="CpuMode.Real"/> (below 1 MiB; CS:IP from the address as for a boot sector, SP just
    /// below the program), <see cref="CpuMode.Protected32"/> (flat segments, no paging) or <see cref="CpuMode.Long64"/>
    /// (the kit identity-maps the low 4 GiB with 2 MiB pages, its tables at the top of the first RAM region).
    /// </param>
    /// <param name="loadAddress">The guest-physical address of the first byte.</param>
    /// <param name="timeout">How long the guest may run; <see cref="TestVmBuilder.GuestTimeout"/> by default.</param>
    /// <returns>How the VM stopped and vCPU 0's registers.</returns>
    /// <exception cref="InvalidOperationException">There is no guest hypervisor (the reason is given), a guest already ran in this VM, or the hypervisor could not run the guest.</exception>
    /// <exception cref="TimeoutException">The guest neither halted nor stopped the VM in time; the VM was stopped.</exception>
    /// <exception cref="DeviceFaultException">A device threw during the run; the VM was stopped at that exit.</exception>
    /// <exception cref="UnhandledAccessException">With <see cref="UnhandledAccessPolicy.Fail"/>: the guest made an access no device claims.</exception>
    public GuestRunResult RunGuest(byte[] program, CpuMode mode = CpuMode.Real, ulong loadAddress = DefaultLoadAddress, TimeSpan? timeout = null)
    {
        using var run = StartGuest(program, mode, loadAddress);
        return run.Wait(timeout ?? _guestTimeout);
    }

    /// <summary>
    /// Loads and starts <paramref name="program"/> as <see cref="RunGuest(byte[], CpuMode, ulong, TimeSpan?)"/> does, but
    /// returns while it runs, so the test can advance <see cref="Clock"/> for a guest that waits for timer interrupts
    /// (<see cref="GuestRun.AdvanceClockWhenIdle"/>) and then <see cref="GuestRun.Wait"/> for the end. Scripted accesses
    /// are refused until the run is waited for or disposed.
    /// </summary>
    /// <exception cref="InvalidOperationException">There is no guest hypervisor (the reason is given), or a guest already ran in this VM.</exception>
    public GuestRun StartGuest(byte[] program, CpuMode mode = CpuMode.Real, ulong loadAddress = DefaultLoadAddress)
    {
        ArgumentNullException.ThrowIfNull(program);
        ThrowIfDisposed();
        if (!_machine.RunsGuests)
            throw new InvalidOperationException(
                $"RunGuest needs a hypervisor that runs guest code, and {_machine.WhyNoGuest}; scripted accesses (In8, Out8, ReadMmio, ...) work without one");
        if (_guestStarted)
            throw new InvalidOperationException("a TestVm runs one guest, as a VM boots once; create another TestVm for another run");
        _guestStarted = true;

        var vcpu = _vm.Vcpus[0];
        vcpu.SetBootState(GuestLoader.Load(_vm.Memory, program, mode, loadAddress));
        _guestRunning = true;
        return new GuestRun(this, vcpu, _machine.Chipset, _guestTimeout);
    }

    /// <summary>Assembles <paramref name="program"/> and starts it as <see cref="StartGuest(byte[], CpuMode, ulong)"/> does.</summary>
    public GuestRun StartGuest(Assembler program, CpuMode mode = CpuMode.Real, ulong loadAddress = DefaultLoadAddress) =>
        StartGuest(Assemble(program, mode, loadAddress), mode, loadAddress);

    /// <summary>
    /// Assembles <paramref name="program"/> for <paramref name="loadAddress"/> and runs it as
    /// <see cref="RunGuest(byte[], CpuMode, ulong, TimeSpan?)"/> does. The assembler's bitness must match
    /// <paramref name="mode"/> (16 for real mode, 32, 64).
    /// </summary>
    /// <example>
    /// <code>
    /// var a = new Assembler(16);
    /// a.mov(dx, 0x3f8);
    /// a.mov(al, (byte)'A');
    /// a.@out(dx, al);
    /// a.hlt();
    /// var result = vm.RunGuest(a, CpuMode.Real);
    /// </code>
    /// </example>
    public GuestRunResult RunGuest(Assembler program, CpuMode mode = CpuMode.Real, ulong loadAddress = DefaultLoadAddress, TimeSpan? timeout = null) =>
        RunGuest(Assemble(program, mode, loadAddress), mode, loadAddress, timeout);

    private static byte[] Assemble(Assembler program, CpuMode mode, ulong loadAddress)
    {
        ArgumentNullException.ThrowIfNull(program);
        var bitness = mode switch
        {
            CpuMode.Real => 16,
            CpuMode.Protected32 => 32,
            CpuMode.Long64 => 64,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown CPU mode"),
        };
        if (program.Bitness != bitness)
            throw new ArgumentException($"the program is assembled for {program.Bitness}-bit code but {mode} runs {bitness}-bit code; use new Assembler({bitness})", nameof(program));
        using var code = new MemoryStream();
        program.Assemble(new StreamCodeWriter(code), loadAddress);
        return code.ToArray();
    }

    /// <summary>Why <see cref="InterruptController"/> and <see cref="GuestRun.WaitUntilIdle"/> are unavailable.</summary>
    internal string WhyNoChipset => _machine.WhyNoChipset;

    /// <summary>Waits for a started guest to stop and turns how it stopped into a result or the kit's exceptions.</summary>
    internal GuestRunResult FinishGuest(GuestRun run, Thread runner, TimeSpan timeout)
    {
        var vcpu = run.Vcpu;
        try
        {
            if (!runner.Join(timeout))
            {
                _vm.Stop();
                if (!runner.Join(TimeSpan.FromSeconds(10)))
                {
                    _guestStuck = true;
                    throw new TimeoutException($"the guest ran for more than {timeout} and its vCPU did not stop when asked; the VM is abandoned");
                }
                throw new TimeoutException(
                    $"the guest ran for more than {timeout} without halting or stopping the VM ({Exits.Count} exits recorded); it was stopped at {vcpu.DescribeState()}");
            }
        }
        finally
        {
            if (!runner.IsAlive)
                _guestRunning = false;
        }

        if (run.Error is { } error)
            throw new InvalidOperationException($"the VM could not run the guest: {error.Message}", error);
        ThrowPendingFailure();
        var status = run.Status!;
        if (status.Kind == VmStopKind.Fatal)
            throw new InvalidOperationException($"the guest hypervisor could not run the guest: {status.Detail}", (vcpu as TestVcpu)?.RunException);
        return new GuestRunResult(status, vcpu.GetRegisters());
    }
}
