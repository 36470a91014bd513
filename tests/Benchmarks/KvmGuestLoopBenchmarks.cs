using BenchmarkDotNet.Attributes;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Kvm;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Benchmarks;

/// <summary>
/// The same tight integer loop as <see cref="EmulatorBenchmarks"/> (add, xor, dec, jnz), on KVM, so the two
/// backends' time per guest instruction can be read side by side. On this machine's software KVM it is
/// emulated too; on hardware KVM it runs at native speed.
/// </summary>
public class KvmGuestLoopBenchmarks
{
    private const int LoopIterations = 100_000;
    private const int InstructionsPerInvoke = 4 * LoopIterations;
    private const ulong Load = 0x1000;

    private KvmHypervisor _hypervisor = null!;
    private IVirtualMachine _machine = null!;
    private IVcpu _vcpu = null!;
    private VcpuRegisters _start;
    private readonly ExitHandler _stopOnHalt = static (ref ExitContext exit) =>
    {
        if (exit.Kind == ExitKind.Halt)
            exit.Outcome = ExitOutcome.StopVcpu;
    };

    [GlobalSetup]
    public void Setup()
    {
        var a = new Assembler(32);
        var top = a.CreateLabel();
        a.Label(ref top);
        a.add(eax, ebx);
        a.xor(ecx, eax);
        a.dec(edx);
        a.jnz(top);
        a.hlt();
        using var code = new MemoryStream();
        a.Assemble(new StreamCodeWriter(code), Load);

        _hypervisor = new KvmHypervisor();
        _machine = _hypervisor.CreateVirtualMachine();
        var ram = _machine.AddRam(0, 1 << 20);
        code.ToArray().CopyTo(ram.Slice(Load, (int)code.Length));
        _vcpu = _machine.CreateVcpu(0);
        _vcpu.SetBootState(new VcpuBootState(CpuMode.Protected32, Load) { StackPointer = Load });
        _start = _vcpu.GetRegisters();
        _start.Rdx = LoopIterations;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _vcpu.Dispose();
        _machine.Dispose();
        _hypervisor.Dispose();
    }

    [Benchmark(OperationsPerInvoke = InstructionsPerInvoke)]
    public VcpuRunResult TightIntegerLoop()
    {
        _vcpu.SetRegisters(in _start);
        return _vcpu.Run(_stopOnHalt);
    }
}
