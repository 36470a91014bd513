using BenchmarkDotNet.Attributes;
using Iced.Intel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vmm.Boot;
using Vmm.Core.Devices;
using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Core.Plugins;
using Vmm.Kvm;
using Vmm.Kvm.Native;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Benchmarks;

/// <summary>
/// One port-I/O exit round trip on KVM (guest OUT, exit, handling, re-entry) through the whole framework
/// (KvmVcpu's run loop, the production pipeline built by VmBuilder, the bus, a plugin device) against a
/// raw loop of KVM_RUN ioctls that reads the same exit fields, on the same vCPU, in the same run.
/// </summary>
[MemoryDiagnoser]
public unsafe class PioRoundTripBenchmarks
{
    private const int ExitsPerInvoke = 2000;
    private const ushort Port = 0x80;
    private const ulong Load = 0x1000;

    private KvmHypervisor _hypervisor = null!;
    private Vm _vm = null!;
    private KvmVcpu _vcpu = null!;
    private int _remaining;

    [GlobalSetup]
    public void Setup()
    {
        // The guest: out 0x80, al in a tight loop; every iteration is one exit.
        var a = new Assembler(16);
        var loop = a.CreateLabel();
        a.mov(dx, Port);
        a.Label(ref loop);
        a.@out(dx, al);
        a.jmp(loop);
        using var code = new MemoryStream();
        a.Assemble(new StreamCodeWriter(code), Load);

        _hypervisor = new KvmHypervisor();
        var builder = new VmBuilder(_hypervisor, new PluginCatalog([LoadedPlugin.FromType<NullDevicePlugin>()])) { MemorySize = 1 << 20 };
        builder.AddDevice(new DeviceInstanceSpec("null", "null", new ConfigurationBuilder().Build()));
        builder.UseMiddleware(next => (ref ExitContext exit) =>
        {
            next(ref exit);
            if (--_remaining == 0)
                exit.Outcome = ExitOutcome.StopVcpu;
        });
        builder.WithBootImage(FlatBinaryImage.FromBytes("pio loop", code.ToArray(), Load));
        _vm = builder.Build();
        _vcpu = (KvmVcpu)_vm.Vcpus[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _vm.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _hypervisor.Dispose();
    }

    /// <summary>The least a VMM can do per exit: KVM_RUN, check the reason, read the port and the byte.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = ExitsPerInvoke)]
    public ulong RawKvmRunLoop()
    {
        var fd = _vcpu.RawDescriptor;
        var run = _vcpu.RawRunState;
        ulong sum = 0;
        for (var i = 0; i < ExitsPerInvoke; i++)
        {
            if (LibC.Ioctl(fd, KvmIoctl.Run, 0) < 0 || run->ExitReason != KvmExitReason.Io)
                throw new InvalidOperationException($"raw loop: KVM_RUN gave exit reason {run->ExitReason}");
            var io = run->Io;
            sum += io.Port + (ulong)*((byte*)run + io.DataOffset);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = ExitsPerInvoke)]
    public VcpuRunResult Framework()
    {
        _remaining = ExitsPerInvoke;
        return _vcpu.Run(_vm.Pipeline);
    }

    public sealed class NullDevicePlugin : IVmmPlugin
    {
        public void ConfigureServices(IServiceCollection services) =>
            services.AddDeviceType<NullDevice, NullOptions>("null", "does nothing",
                static (_, resources) => resources.AddPorts(Port, 1));
    }

    public sealed class NullOptions;
}
