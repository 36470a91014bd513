using System.Runtime.InteropServices;
using Vmm.Core.Hypervisor;
using Vmm.Kvm.Native;
using Vmm.Kvm.Tests.Guests;
using Vmm.Sdk;

namespace Vmm.Kvm.Tests;

/// <summary>
/// Exits KVM does not produce on demand, written into a fake kvm_run page and dispatched by a real vCPU:
/// each becomes a typed, named result after passing through the pipeline, never a crash or a spin.
/// </summary>
public sealed unsafe class ExitDispatchTests : IDisposable
{
    private const int PageSize = 12288;

    private readonly KvmHypervisor _kvm;
    private readonly KvmVirtualMachine _vm;
    private readonly KvmVcpu _vcpu;
    private readonly KvmRun* _run;
    private readonly ExitLog _log = new();

    public ExitDispatchTests()
    {
        KvmRequirement.SkipUnlessAvailable();
        _kvm = new KvmHypervisor();
        _vm = _kvm.CreateVirtualMachine();
        _vcpu = _vm.CreateVcpu(0);
        _run = (KvmRun*)NativeMemory.AllocZeroed(PageSize);
    }

    public void Dispose()
    {
        NativeMemory.Free(_run);
        _vm?.Dispose();
        _kvm?.Dispose();
    }

    [Theory]
    [InlineData(99u, "exit reason 99")]
    [InlineData(29u, "KVM_EXIT_X86_RDMSR (29)")]
    [InlineData(7u, "KVM_EXIT_IRQ_WINDOW_OPEN (7)")]
    public void Unhandled_exit_reason_is_fatal_and_named(uint reason, string expected)
    {
        _run->ExitReason = reason;

        VcpuRunResult result = Dispatch();

        AssertFatal(result, expected);
    }

    [Fact]
    public void Unknown_exit_names_the_hardware_exit_reason()
    {
        _run->ExitReason = KvmExitReason.Unknown;
        _run->Hardware.HardwareExitReason = 0x1234;

        AssertFatal(Dispatch(), "KVM_EXIT_UNKNOWN: hardware_exit_reason 0x1234");
    }

    [Fact]
    public void Failed_entry_names_the_hardware_entry_failure_reason()
    {
        _run->ExitReason = KvmExitReason.FailEntry;
        _run->FailEntry.HardwareEntryFailureReason = 0x8000_0021;
        _run->FailEntry.Cpu = 3;

        AssertFatal(Dispatch(), "hardware_entry_failure_reason 0x80000021 (host cpu 3)");
    }

    [Fact]
    public void Internal_error_names_the_suberror_and_lists_the_data_words()
    {
        _run->ExitReason = KvmExitReason.InternalError;
        _run->Internal.Suberror = 1;
        _run->Internal.Ndata = 2;
        _run->Internal.Data[0] = 0xAA;
        _run->Internal.Data[1] = 0xBB;

        AssertFatal(Dispatch(), "KVM_INTERNAL_ERROR_EMULATION (1): instruction emulation failed; data 0xaa 0xbb");
    }

    [Fact]
    public void Internal_error_with_an_impossible_ndata_lists_at_most_16_words()
    {
        _run->ExitReason = KvmExitReason.InternalError;
        _run->Internal.Suberror = 77;
        _run->Internal.Ndata = 1000;

        VcpuRunResult result = Dispatch();

        AssertFatal(result, "suberror 77");
        Assert.Equal(16, result.Detail!.Split(" 0x0").Length - 1);
    }

    [Theory]
    [InlineData(KvmRunSystemEvent.TypeShutdown, VcpuStopReason.Shutdown, ExitKind.Shutdown)]
    [InlineData(KvmRunSystemEvent.TypeReset, VcpuStopReason.Reset, ExitKind.Reset)]
    [InlineData(KvmRunSystemEvent.TypeCrash, VcpuStopReason.Fatal, ExitKind.Fatal)]
    [InlineData(42u, VcpuStopReason.Fatal, ExitKind.Fatal)]
    public void System_event_maps_to_a_stop_reason(uint type, VcpuStopReason reason, ExitKind kind)
    {
        _run->ExitReason = KvmExitReason.SystemEvent;
        _run->SystemEvent.Type = type;

        VcpuRunResult result = Dispatch();

        Assert.Equal(reason, result.Reason);
        Assert.Equal(kind, Assert.Single(_log.Exits).Kind);
    }

    [Theory]
    [InlineData(1, 4u, (ulong)PageSize - 3)] // runs past the mapping
    [InlineData(1, 1u, (ulong)PageSize + 1)] // starts past it
    [InlineData(1, 0u, 4096ul)]              // no access at all
    [InlineData(3, 1u, 4096ul)]              // no such access size
    public void Io_exit_with_data_outside_the_kvm_run_mapping_is_fatal(int size, uint count, ulong dataOffset)
    {
        _run->ExitReason = KvmExitReason.Io;
        _run->Io.Direction = KvmRunIo.DirectionIn;
        _run->Io.Size = (byte)size;
        _run->Io.Count = count;
        _run->Io.Port = 0x60;
        _run->Io.DataOffset = dataOffset;

        AssertFatal(Dispatch(), "KVM_EXIT_IO with bad data");
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(9u)]
    public void Mmio_exit_with_an_impossible_length_is_fatal(uint length)
    {
        _run->ExitReason = KvmExitReason.Mmio;
        _run->Mmio.PhysAddr = 0xD000_0000;
        _run->Mmio.Length = length;

        AssertFatal(Dispatch(), $"KVM_EXIT_MMIO with bad length {length}");
    }

    [Fact]
    public void Io_in_data_is_a_zeroed_span_inside_the_kvm_run_page()
    {
        _run->ExitReason = KvmExitReason.Io;
        _run->Io.Direction = KvmRunIo.DirectionIn;
        _run->Io.Size = 2;
        _run->Io.Count = 3;
        _run->Io.Port = 0x1F0;
        _run->Io.DataOffset = 4096;
        new Span<byte>((byte*)_run + 4096, 6).Fill(0xCC);
        bool stopping = false;

        VcpuRunResult? result = _vcpu.DispatchExit(_run, PageSize, _log.Pipeline((ref ExitContext exit) =>
        {
            Assert.True(exit.Data.SequenceEqual(new byte[6]), "IN data must arrive zeroed");
            exit.Data.Fill(0x77);
            exit.Outcome = ExitOutcome.StopVm;
        }), ref stopping);

        Assert.Null(result);
        Assert.True(stopping, "a stop on an IN must complete it with one more KVM_RUN");
        RecordedExit exit = Assert.Single(_log.Exits);
        Assert.Equal((ExitKind.IoIn, 0x1F0ul, 2, 3), (exit.Kind, exit.Address, exit.Size, exit.Count));
        Assert.True(new Span<byte>((byte*)_run + 4096, 6).SequenceEqual(new byte[] { 0x77, 0x77, 0x77, 0x77, 0x77, 0x77 }));
    }

    private VcpuRunResult Dispatch()
    {
        bool stopping = false;
        VcpuRunResult? result = _vcpu.DispatchExit(_run, PageSize, _log.Pipeline((ref ExitContext exit) => { }), ref stopping);
        Assert.NotNull(result);
        Assert.False(stopping);
        return result;
    }

    private void AssertFatal(VcpuRunResult result, string cause)
    {
        Assert.Equal(VcpuStopReason.Fatal, result.Reason);
        Assert.Contains(cause, result.Detail);
        Assert.Contains("cr0=", result.Detail); // with the register dump
        RecordedExit exit = Assert.Single(_log.Exits);
        Assert.Equal(ExitKind.Fatal, exit.Kind);
        Assert.Empty(exit.Data);
    }
}
