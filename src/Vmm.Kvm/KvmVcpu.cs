using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Vmm.Core.Hypervisor;
using Vmm.Kvm.Native;
using Vmm.Sdk;

namespace Vmm.Kvm;

/// <summary>
/// A KVM vCPU. <see cref="Run"/> loops on KVM_RUN on the calling thread (give each vCPU its own);
/// <see cref="RequestStop"/> kicks it out from any thread with immediate_exit and a signal.
/// </summary>
/// <remarks>
/// I/O and MMIO exits hand the pipeline a span inside the mapped kvm_run page: what a handler writes
/// there is what the guest reads, committed by the next KVM_RUN. Before <see cref="Run"/> returns after
/// such an exit it re-enters KVM_RUN once with immediate_exit set, so a pending read reaches the guest's
/// registers (Documentation/virt/kvm/api.rst, KVM_RUN; Cloud Hypervisor #3677).
/// </remarks>
public sealed unsafe class KvmVcpu : IVcpu
{
    // Results without detail are shared: Run allocates nothing unless it fails.
    private static readonly VcpuRunResult s_requested = new(VcpuStopReason.Requested);
    private static readonly VcpuRunResult s_halted = new(VcpuStopReason.Halted);
    private static readonly VcpuRunResult s_shutdown = new(VcpuStopReason.Shutdown);
    private static readonly VcpuRunResult s_reset = new(VcpuStopReason.Reset);

    private readonly KvmFileDescriptor _fd;
    private readonly MemoryMapping _runMapping;
    private readonly int _processId;

    private readonly bool _inKernelIrqchip;
    private readonly PowerOnState _powerOn;

    // An AP of a VM without the in-kernel APIC: nothing can send it a SIPI, so until it gets a boot state Run
    // waits for RequestStop instead of running from the reset vector. Never disposed: RequestStop may come later.
    private readonly ManualResetEventSlim _wake = new(false);
    private volatile bool _awaitingStartup;

    private int _stopRequested;
    private int _running;
    private int _threadId;
    private int _managedThreadId;
    private int _disposed;

    internal KvmVcpu(int id, KvmFileDescriptor fd, int mmapSize, ReadOnlySpan<KvmCpuidEntry2> cpuid, bool inKernelIrqchip = false)
    {
        Id = id;
        _fd = fd;
        _processId = LibC.GetPid();
        _inKernelIrqchip = inKernelIrqchip;
        _awaitingStartup = id != 0 && !inKernelIrqchip;
        try
        {
            VcpuKickSignal.EnsureInstalled();
            _runMapping = MemoryMapping.MapShared(fd, (nuint)mmapSize, $"kvm_run of vCPU {id}");
            SetCpuid(cpuid);
            _powerOn = CapturePowerOnState();
        }
        catch
        {
            _runMapping?.Dispose();
            fd.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public int Id { get; }

    /// <summary>The vCPU descriptor, for the benchmarks' raw KVM_RUN baseline only; valid until Dispose.</summary>
    internal int RawDescriptor => (int)_fd.DangerousGetHandle();

    /// <summary>The mapped kvm_run page, for the benchmarks' raw KVM_RUN baseline only; valid until Dispose.</summary>
    internal KvmRun* RawRunState => (KvmRun*)_runMapping.Address;

    /// <inheritdoc />
    public void SetBootState(VcpuBootState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        KvmSregs sregs = GetSpecialRegisters();
        KvmRegs regs = VcpuBootSetup.Apply(state, ref sregs);
        SetSpecialRegisters(sregs);
        KvmIoctl.Call(_fd, KvmIoctl.SetRegs, &regs, "KVM_SET_REGS");
        if (_inKernelIrqchip && Id != 0)
        {
            // An AP given a boot state runs it at once instead of waiting for INIT/SIPI.
            var runnable = new KvmMpState { MpState = KvmMpState.Runnable };
            KvmIoctl.Call(_fd, KvmIoctl.SetMpState, &runnable, "KVM_SET_MP_STATE");
        }

        _awaitingStartup = false;
    }

    /// <summary>The run state (KVM_GET_MP_STATE): runnable, halted, or an AP still waiting for INIT/SIPI.</summary>
    internal uint GetMpState()
    {
        KvmMpState state;
        KvmIoctl.Call(_fd, KvmIoctl.GetMpState, &state, "KVM_GET_MP_STATE");
        return state.MpState;
    }

    /// <summary>
    /// Back to the state KVM created the vCPU in (see <see cref="KvmVirtualMachine.Reset"/>), while it does not run;
    /// a stop requested meanwhile is forgotten.
    /// </summary>
    internal void ResetToPowerOn()
    {
        PowerOnState s = _powerOn;
        SetSpecialRegisters(s.Sregs);
        KvmIoctl.Call(_fd, KvmIoctl.SetRegs, &s.Regs, "KVM_SET_REGS");
        KvmIoctl.Call(_fd, KvmIoctl.SetFpu, &s.Fpu, "KVM_SET_FPU");
        if (_inKernelIrqchip)
            KvmIoctl.Call(_fd, KvmIoctl.SetLapic, &s.Lapic, "KVM_SET_LAPIC");
        KvmIoctl.Call(_fd, KvmIoctl.SetVcpuEvents, &s.Events, "KVM_SET_VCPU_EVENTS");
        KvmIoctl.Call(_fd, KvmIoctl.SetMpState, &s.MpState, "KVM_SET_MP_STATE");
        _awaitingStartup = Id != 0 && !_inKernelIrqchip;
        Interlocked.Exchange(ref _stopRequested, 0);
        Volatile.Write(ref RawRunState->ImmediateExit, 0);
        _wake.Reset();
    }

    private PowerOnState CapturePowerOnState()
    {
        var state = new PowerOnState();
        KvmIoctl.Call(_fd, KvmIoctl.GetRegs, &state.Regs, "KVM_GET_REGS");
        KvmIoctl.Call(_fd, KvmIoctl.GetSregs, &state.Sregs, "KVM_GET_SREGS");
        KvmIoctl.Call(_fd, KvmIoctl.GetFpu, &state.Fpu, "KVM_GET_FPU");
        if (_inKernelIrqchip)
            KvmIoctl.Call(_fd, KvmIoctl.GetLapic, &state.Lapic, "KVM_GET_LAPIC");
        KvmIoctl.Call(_fd, KvmIoctl.GetVcpuEvents, &state.Events, "KVM_GET_VCPU_EVENTS");
        KvmIoctl.Call(_fd, KvmIoctl.GetMpState, &state.MpState, "KVM_GET_MP_STATE");
        return state;
    }

    /// <summary>What KVM_CREATE_VCPU gave the vCPU, read back once for <see cref="ResetToPowerOn"/>.</summary>
    private struct PowerOnState
    {
        public KvmRegs Regs;
        public KvmSregs Sregs;
        public KvmFpu Fpu;
        public KvmLapicState Lapic;
        public KvmVcpuEvents Events;
        public KvmMpState MpState;
    }

    /// <inheritdoc />
    public VcpuRegisters GetRegisters()
    {
        KvmRegs regs;
        KvmIoctl.Call(_fd, KvmIoctl.GetRegs, &regs, "KVM_GET_REGS");
        // kvm_regs and VcpuRegisters share one field order (a layout test holds them together).
        return Unsafe.As<KvmRegs, VcpuRegisters>(ref regs);
    }

    /// <inheritdoc />
    public void SetRegisters(in VcpuRegisters registers)
    {
        KvmRegs regs = Unsafe.As<VcpuRegisters, KvmRegs>(ref Unsafe.AsRef(in registers));
        KvmIoctl.Call(_fd, KvmIoctl.SetRegs, &regs, "KVM_SET_REGS");
    }

    /// <summary>Segment, descriptor-table and control registers (KVM_GET_SREGS).</summary>
    internal KvmSregs GetSpecialRegisters()
    {
        KvmSregs sregs;
        KvmIoctl.Call(_fd, KvmIoctl.GetSregs, &sregs, "KVM_GET_SREGS");
        return sregs;
    }

    /// <summary>Replaces segment, descriptor-table and control registers (KVM_SET_SREGS).</summary>
    internal void SetSpecialRegisters(in KvmSregs sregs)
    {
        fixed (KvmSregs* p = &sregs)
            KvmIoctl.Call(_fd, KvmIoctl.SetSregs, p, "KVM_SET_SREGS");
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Another thread is already running this vCPU.</exception>
    public VcpuRunResult Run(ExitHandler pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
            throw new InvalidOperationException($"vCPU {Id} is already running on another thread.");

        bool fdReferenced = false;
        bool runReferenced = false;
        try
        {
            // Both references keep the descriptor and kvm_run mapped even if Dispose races with Run.
            _fd.DangerousAddRef(ref fdReferenced);
            _runMapping.DangerousAddRef(ref runReferenced);
            Volatile.Write(ref _managedThreadId, Environment.CurrentManagedThreadId);
            // A full fence before the first KVM_RUN reads immediate_exit: RequestStop writes
            // immediate_exit and then reads the tid, so one of the two always sees the other.
            Interlocked.Exchange(ref _threadId, LibC.GetTid());
            if (_awaitingStartup)
                return WaitForStop(pipeline);
            return RunLoop(pipeline, (int)_fd.DangerousGetHandle(), (KvmRun*)_runMapping.Address, _runMapping.Length);
        }
        finally
        {
            Volatile.Write(ref _threadId, 0);
            Volatile.Write(ref _managedThreadId, 0);
            if (runReferenced)
                _runMapping.DangerousRelease();
            if (fdReferenced)
                _fd.DangerousRelease();
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>
    /// Makes <see cref="Run"/> return <see cref="VcpuStopReason.Requested"/> soon, from any thread. A
    /// stop requested while the vCPU is not running is kept: the next <see cref="Run"/> returns at once.
    /// </summary>
    public void RequestStop()
    {
        Interlocked.Exchange(ref _stopRequested, 1);
        _wake.Set();
        bool referenced = false;
        try
        {
            _runMapping.DangerousAddRef(ref referenced);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        try
        {
            // Seen by the next KVM_RUN; the signal covers a KVM_RUN already in the guest.
            Volatile.Write(ref ((KvmRun*)_runMapping.Address)->ImmediateExit, 1);
        }
        finally
        {
            _runMapping.DangerousRelease();
        }

        Interlocked.MemoryBarrier();
        int threadId = Volatile.Read(ref _threadId);
        // From the vCPU's own thread (a device asking for a stop) immediate_exit is enough. A tid that
        // just left Run gets a no-op signal; ESRCH (the thread is gone) is fine too.
        if (threadId != 0 && Volatile.Read(ref _managedThreadId) != Environment.CurrentManagedThreadId)
            LibC.TgKill(_processId, threadId, VcpuKickSignal.Number);
    }

    /// <inheritdoc />
    public string DescribeState()
    {
        var text = new StringBuilder();
        text.Append("vCPU ").Append(Id).AppendLine(" state:");
        try
        {
            VcpuRegisters r = GetRegisters();
            text.AppendLine($"  rax={r.Rax:x16} rbx={r.Rbx:x16} rcx={r.Rcx:x16} rdx={r.Rdx:x16}");
            text.AppendLine($"  rsi={r.Rsi:x16} rdi={r.Rdi:x16} rsp={r.Rsp:x16} rbp={r.Rbp:x16}");
            text.AppendLine($"  r8 ={r.R8:x16} r9 ={r.R9:x16} r10={r.R10:x16} r11={r.R11:x16}");
            text.AppendLine($"  r12={r.R12:x16} r13={r.R13:x16} r14={r.R14:x16} r15={r.R15:x16}");
            text.AppendLine($"  rip={r.Rip:x16} rflags={r.Rflags:x8}");
        }
        catch (Exception e) when (e is KvmException or ObjectDisposedException)
        {
            text.Append("  general registers unavailable: ").AppendLine(e.Message);
        }

        try
        {
            KvmSregs s = GetSpecialRegisters();
            text.AppendLine($"  cs  {s.Cs}");
            text.AppendLine($"  ds  {s.Ds}");
            text.AppendLine($"  es  {s.Es}");
            text.AppendLine($"  fs  {s.Fs}");
            text.AppendLine($"  gs  {s.Gs}");
            text.AppendLine($"  ss  {s.Ss}");
            text.AppendLine($"  tr  {s.Tr}");
            text.AppendLine($"  ldt {s.Ldt}");
            text.AppendLine($"  gdt {s.Gdt}  idt {s.Idt}");
            text.Append($"  cr0={s.Cr0:x16} cr2={s.Cr2:x16} cr3={s.Cr3:x16} cr4={s.Cr4:x16} efer={s.Efer:x16}");
        }
        catch (Exception e) when (e is KvmException or ObjectDisposedException)
        {
            text.Append("  special registers unavailable: ").Append(e.Message);
        }

        return text.ToString();
    }

    /// <summary>Asks a running <see cref="Run"/> to stop, then closes the vCPU once it has returned.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        RequestStop();
        _runMapping.Dispose();
        _fd.Dispose();
    }

    /// <summary>An AP nothing can start: waits without spinning until asked to stop, then ends as a stopped run does.</summary>
    private VcpuRunResult WaitForStop(ExitHandler pipeline)
    {
        while (Interlocked.Exchange(ref _stopRequested, 0) == 0)
        {
            _wake.Wait();
            _wake.Reset();
        }

        Volatile.Write(ref RawRunState->ImmediateExit, 0);
        var exit = new ExitContext(ExitKind.Cancelled, Id, 0, 0, 0, default);
        pipeline(ref exit);
        return s_requested;
    }

    /// <summary>The KVM_RUN loop. Hot path: no allocation, locks, boxing or formatting until it returns.</summary>
    private VcpuRunResult RunLoop(ExitHandler pipeline, int fd, KvmRun* run, nuint mappingSize)
    {
        // Set once an I/O or MMIO exit's outcome asked to stop: the next KVM_RUN has immediate_exit
        // set, so it only completes that exit and returns EINTR.
        bool stopping = false;
        while (true)
        {
            if (stopping)
                Volatile.Write(ref run->ImmediateExit, 1);

            int result = LibC.Ioctl(fd, KvmIoctl.Run, 0);
            if (result < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                // An AP waiting for INIT/SIPI in the kernel returns EAGAIN once an event woke it: enter again
                // (api.rst, KVM_RUN; QEMU does the same).
                if (errno == Errno.EAGAIN)
                    continue;
                if (errno != Errno.EINTR)
                    return Fatal(pipeline, $"KVM_RUN failed: {Errno.Describe(errno)}");
            }
            else if (Volatile.Read(ref run->ExitReason) != KvmExitReason.Intr)
            {
                VcpuRunResult? done = DispatchExit(run, mappingSize, pipeline, ref stopping);
                if (done is not null)
                    return done;
                continue;
            }

            // EINTR (or KVM_EXIT_INTR): immediate_exit or a signal. The kernel has completed any pending
            // exit before returning. Clear immediate_exit before reading the flag, so a RequestStop that
            // lands in between leaves both set and is seen by the next KVM_RUN.
            Volatile.Write(ref run->ImmediateExit, 0);
            bool requested = Interlocked.Exchange(ref _stopRequested, 0) != 0;
            if (stopping)
                return s_requested;

            var exit = new ExitContext(ExitKind.Cancelled, Id, 0, 0, 0, default);
            pipeline(ref exit);
            if (requested || exit.Outcome != ExitOutcome.Resume)
                return s_requested;
        }
    }

    /// <summary>
    /// Turns the exit in <paramref name="run"/> into an <see cref="ExitContext"/> for the pipeline and acts
    /// on its outcome: null to keep running (with <paramref name="stopping"/> set when an I/O or MMIO exit
    /// must be completed before returning), or the result to return now.
    /// </summary>
    internal VcpuRunResult? DispatchExit(KvmRun* run, nuint mappingSize, ExitHandler pipeline, ref bool stopping)
    {
        uint reason = run->ExitReason;
        switch (reason)
        {
            case KvmExitReason.Io:
            {
                // Read only the io member, once, before the pipeline can run.
                KvmRunIo io = run->Io;
                ulong length = (ulong)io.Size * io.Count;
                if (io.Size is not (1 or 2 or 4) || io.Count == 0 || io.DataOffset > mappingSize || length > mappingSize - io.DataOffset
                    || io.Direction > KvmRunIo.DirectionOut)
                {
                    return Fatal(pipeline,
                        $"KVM_EXIT_IO with bad data: direction {io.Direction}, port 0x{io.Port:x}, size {io.Size}, count {io.Count}, "
                        + $"data_offset 0x{io.DataOffset:x}, past the {mappingSize}-byte kvm_run mapping or malformed");
                }

                var data = new Span<byte>((byte*)run + io.DataOffset, (int)length);
                ExitKind kind = ExitKind.IoOut;
                if (io.Direction == KvmRunIo.DirectionIn)
                {
                    data.Clear();
                    kind = ExitKind.IoIn;
                }

                var exit = new ExitContext(kind, Id, io.Port, io.Size, (int)io.Count, data);
                pipeline(ref exit);
                stopping |= exit.Outcome != ExitOutcome.Resume;
                return null;
            }

            case KvmExitReason.Mmio:
            {
                KvmRunMmio* mmio = &run->Mmio;
                uint length = mmio->Length;
                if (length is 0 or > 8)
                    return Fatal(pipeline, $"KVM_EXIT_MMIO with bad length {length} at 0x{mmio->PhysAddr:x}");

                var data = new Span<byte>(mmio->Data, (int)length);
                ExitKind kind = ExitKind.MmioWrite;
                if (mmio->IsWrite == 0)
                {
                    data.Clear();
                    kind = ExitKind.MmioRead;
                }

                var exit = new ExitContext(kind, Id, mmio->PhysAddr, (int)length, 1, data);
                pipeline(ref exit);
                stopping |= exit.Outcome != ExitOutcome.Resume;
                return null;
            }

            case KvmExitReason.Hlt:
            {
                // Without an irqchip KVM leaves HLT to userspace, RIP already past it: resuming runs
                // the next instruction.
                var exit = new ExitContext(ExitKind.Halt, Id, 0, 0, 0, default);
                pipeline(ref exit);
                return exit.Outcome == ExitOutcome.Resume ? null : s_halted;
            }

            case KvmExitReason.Shutdown:
                // A triple fault: nothing to resume, whatever the pipeline says.
                return PassThrough(pipeline, ExitKind.Shutdown, s_shutdown);

            case KvmExitReason.SystemEvent:
            {
                uint type = run->SystemEvent.Type;
                return type switch
                {
                    KvmRunSystemEvent.TypeShutdown => PassThrough(pipeline, ExitKind.Shutdown, s_shutdown),
                    KvmRunSystemEvent.TypeReset => PassThrough(pipeline, ExitKind.Reset, s_reset),
                    KvmRunSystemEvent.TypeCrash => Fatal(pipeline, "KVM_EXIT_SYSTEM_EVENT KVM_SYSTEM_EVENT_CRASH: the guest reported a crash"),
                    _ => Fatal(pipeline, $"KVM_EXIT_SYSTEM_EVENT of unknown type {type}"),
                };
            }

            case KvmExitReason.FailEntry:
            {
                KvmRunFailEntry fail = run->FailEntry;
                return Fatal(pipeline,
                    $"KVM_EXIT_FAIL_ENTRY: the hardware refused VM entry, hardware_entry_failure_reason 0x{fail.HardwareEntryFailureReason:x} (host cpu {fail.Cpu})");
            }

            case KvmExitReason.InternalError:
                return Fatal(pipeline, DescribeInternalError(&run->Internal));

            case KvmExitReason.Unknown:
                return Fatal(pipeline, $"KVM_EXIT_UNKNOWN: hardware_exit_reason 0x{run->Hardware.HardwareExitReason:x}");

            default:
                return Fatal(pipeline, $"unhandled KVM exit: {KvmExitReason.Describe(reason)}");
        }
    }

    private VcpuRunResult PassThrough(ExitHandler pipeline, ExitKind kind, VcpuRunResult result)
    {
        var exit = new ExitContext(kind, Id, 0, 0, 0, default);
        pipeline(ref exit);
        return result;
    }

    /// <summary>
    /// A fatal exit also goes through the pipeline (empty data), then Run returns its cause and the registers on one
    /// line, so the host prints one error line a person can act on (<see cref="DescribeState"/> has the full dump).
    /// </summary>
    private VcpuRunResult Fatal(ExitHandler pipeline, string cause)
    {
        var exit = new ExitContext(ExitKind.Fatal, Id, 0, 0, 0, default);
        pipeline(ref exit);
        return new VcpuRunResult(VcpuStopReason.Fatal, $"vCPU {Id}: {cause}; {DescribeStateOnOneLine()}");
    }

    /// <summary>Where the guest was and its general registers, in one line: <c>cs:rip</c>, mode bits, then the rest.</summary>
    internal string DescribeStateOnOneLine()
    {
        try
        {
            VcpuRegisters r = GetRegisters();
            KvmSregs s = GetSpecialRegisters();
            return $"cs={s.Cs.Selector:x4} rip={r.Rip:x} rflags={r.Rflags:x} cr0={s.Cr0:x} cr3={s.Cr3:x} cr4={s.Cr4:x} efer={s.Efer:x} "
                + $"ss={s.Ss.Selector:x4} rsp={r.Rsp:x} rax={r.Rax:x} rbx={r.Rbx:x} rcx={r.Rcx:x} rdx={r.Rdx:x} rsi={r.Rsi:x} rdi={r.Rdi:x} rbp={r.Rbp:x}";
        }
        catch (Exception e) when (e is KvmException or ObjectDisposedException)
        {
            return "registers unavailable: " + e.Message;
        }
    }

    private static string DescribeInternalError(KvmRunInternalError* error)
    {
        var text = new StringBuilder("KVM_EXIT_INTERNAL_ERROR: ");
        text.Append(KvmRunInternalError.DescribeSuberror(error->Suberror));
        uint count = Math.Min(error->Ndata, (uint)KvmRunInternalError.MaxData);
        if (count > 0)
        {
            text.Append("; data");
            for (int i = 0; i < count; i++)
                text.Append($" 0x{error->Data[i]:x}");
        }

        return text.ToString();
    }

    /// <summary>
    /// The CPUID table KVM holds for this vCPU (KVM_GET_CPUID2): what KVM_SET_CPUID2 gave it, with the
    /// bits KVM keeps current at run time (OSXSAVE, APIC). For diagnostics and tests.
    /// </summary>
    internal KvmCpuidEntry2[] GetCpuid()
    {
        for (int capacity = 256; ; capacity *= 2)
        {
            nuint bytes = (nuint)(sizeof(KvmCpuid2) + capacity * sizeof(KvmCpuidEntry2));
            var buffer = (KvmCpuid2*)NativeMemory.AllocZeroed(bytes);
            try
            {
                buffer->Nent = (uint)capacity;
                if (LibC.Ioctl(_fd, KvmIoctl.GetCpuid2, buffer) < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.E2BIG && capacity < 4096)
                        continue;
                    throw new KvmException("KVM_GET_CPUID2", errno);
                }

                return new ReadOnlySpan<KvmCpuidEntry2>(buffer + 1, (int)buffer->Nent).ToArray();
            }
            finally
            {
                NativeMemory.Free(buffer);
            }
        }
    }

    private void SetCpuid(ReadOnlySpan<KvmCpuidEntry2> supported)
    {
        nuint bytes = (nuint)(sizeof(KvmCpuid2) + supported.Length * sizeof(KvmCpuidEntry2));
        var buffer = (KvmCpuid2*)NativeMemory.AllocZeroed(bytes);
        try
        {
            buffer->Nent = (uint)supported.Length;
            var entries = new Span<KvmCpuidEntry2>(buffer + 1, supported.Length);
            supported.CopyTo(entries);
            foreach (ref KvmCpuidEntry2 entry in entries)
            {
                // Each vCPU reports its own APIC id: leaf 1 EBX[31:24] (initial APIC ID) and the x2APIC
                // id in EDX of leaves 0Bh and 1Fh (Intel SDM Vol. 2A, CPUID).
                if (entry.Function == 1)
                    entry.Ebx = (entry.Ebx & 0x00FF_FFFF) | ((uint)Id << 24);
                else if (entry.Function is 0xB or 0x1F)
                    entry.Edx = (uint)Id;
            }

            KvmIoctl.Call(_fd, KvmIoctl.SetCpuid2, buffer, "KVM_SET_CPUID2");
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }
}
