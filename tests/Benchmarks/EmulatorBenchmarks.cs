using BenchmarkDotNet.Attributes;
using Iced.Intel;
using Microsoft.Extensions.Configuration;
using Vmm.Boot;
using Vmm.Core.Devices;
using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Core.Memory;
using Vmm.Core.Plugins;
using Vmm.Emulation;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Benchmarks;

/// <summary>
/// The emulator backend: a tight integer loop (time per guest instruction; 1 / that is instructions per
/// second), and port-I/O loops whose every iteration is an exit, once through a minimal pipeline (the
/// emulator's own exit cost) and once through the production pipeline VmBuilder composes (comparable with
/// <see cref="PioRoundTripBenchmarks"/> on KVM).
/// </summary>
[MemoryDiagnoser]
public class EmulatorBenchmarks
{
    private const int LoopIterations = 1_000_000;
    private const int InstructionsPerInvoke = 4 * LoopIterations;
    private const int ExitsPerInvoke = 100_000;
    private const ushort Port = 0x80;
    private const ulong Load = 0x1000;

    private EmulatedVirtualMachine _machine = null!;
    private EmulatedVcpu _loopVcpu = null!;
    private EmulatedVcpu _pioVcpu = null!;
    private ExitHandler _stopOnHalt = null!;
    private ExitHandler _countExits = null!;
    private Vm _vm = null!;
    private int _remaining;

    [GlobalSetup]
    public void Setup()
    {
        _machine = new EmulatedHypervisor().CreateVirtualMachine();
        GuestMemoryRegion ram = _machine.AddRam(0, 1 << 20);

        // loop: add eax, ebx; xor ecx, eax; dec edx; jnz loop (EDX counts the iterations), then hlt.
        byte[] loop = Assemble(a =>
        {
            Label top = a.CreateLabel();
            a.Label(ref top);
            a.add(eax, ebx);
            a.xor(ecx, eax);
            a.dec(edx);
            a.jnz(top);
            a.hlt();
        }, Load);
        loop.CopyTo(ram.Slice(Load, loop.Length));
        _loopVcpu = _machine.CreateVcpu(0);
        _loopVcpu.SetBootState(new VcpuBootState(CpuMode.Protected32, Load));

        byte[] pio = PioGuest(0x2000);
        pio.CopyTo(ram.Slice(0x2000, pio.Length));
        _pioVcpu = _machine.CreateVcpu(1);
        _pioVcpu.SetBootState(new VcpuBootState(CpuMode.Real, 0x2000));

        _stopOnHalt = static (ref ExitContext exit) =>
        {
            if (exit.Kind == ExitKind.Halt)
                exit.Outcome = ExitOutcome.StopVcpu;
        };
        _countExits = (ref ExitContext exit) =>
        {
            if (--_remaining == 0)
                exit.Outcome = ExitOutcome.StopVcpu;
        };

        var builder = new VmBuilder(new EmulatedHypervisor(), new PluginCatalog([LoadedPlugin.FromType<PioRoundTripBenchmarks.NullDevicePlugin>()]))
        {
            MemorySize = 1 << 20,
        };
        builder.AddDevice(new DeviceInstanceSpec("null", "null", new ConfigurationBuilder().Build()));
        builder.UseMiddleware(next => (ref ExitContext exit) =>
        {
            next(ref exit);
            if (--_remaining == 0)
                exit.Outcome = ExitOutcome.StopVcpu;
        });
        builder.WithBootImage(FlatBinaryImage.FromBytes("pio loop", PioGuest(Load), Load));
        _vm = builder.Build();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _vm.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _machine.Dispose();
    }

    /// <summary>One guest instruction of the tight loop; 1 / this is instructions per second.</summary>
    [Benchmark(OperationsPerInvoke = InstructionsPerInvoke)]
    public VcpuRunResult TightIntegerLoop()
    {
        VcpuRegisters registers = _loopVcpu.GetRegisters();
        registers.Rip = Load;
        registers.Rdx = LoopIterations;
        _loopVcpu.SetRegisters(registers);
        return _loopVcpu.Run(_stopOnHalt);
    }

    /// <summary>One <c>out dx, al</c> exit through a pipeline that only counts.</summary>
    [Benchmark(OperationsPerInvoke = ExitsPerInvoke)]
    public VcpuRunResult PortIoLoop()
    {
        _remaining = ExitsPerInvoke;
        return _pioVcpu.Run(_countExits);
    }

    /// <summary>One <c>out dx, al</c> exit through the production pipeline, bus and a plugin device.</summary>
    [Benchmark(OperationsPerInvoke = ExitsPerInvoke)]
    public VcpuRunResult PortIoThroughFramework()
    {
        _remaining = ExitsPerInvoke;
        return _vm.Vcpus[0].Run(_vm.Pipeline);
    }

    /// <summary>mov dx, 0x80; loop: out dx, al; jmp loop.</summary>
    private static byte[] PioGuest(ulong address) => Assemble(a =>
    {
        Label top = a.CreateLabel();
        a.mov(dx, Port);
        a.Label(ref top);
        a.@out(dx, al);
        a.jmp(top);
    }, address, bitness: 16);

    private static byte[] Assemble(Action<Assembler> program, ulong address, int bitness = 32)
    {
        var assembler = new Assembler(bitness);
        program(assembler);
        using var code = new MemoryStream();
        assembler.Assemble(new StreamCodeWriter(code), address);
        return code.ToArray();
    }
}
