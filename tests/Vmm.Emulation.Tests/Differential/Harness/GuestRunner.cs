using System.Runtime.ExceptionServices;
using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;
using Vmm.Sdk;

namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>
/// Runs one guest on one backend the same way every time: a VM with <see cref="GuestLayout.RamSize"/> of
/// RAM at 0, the guest image, vCPU 0 booted in the guest's mode with known registers, and a pipeline
/// that records each exit and answers it from <see cref="ScriptedDevices"/>, stopping at HLT.
/// </summary>
internal static class GuestRunner
{
    /// <summary>Far more than any guest needs (the KVM here costs about 0.5 µs an instruction).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>A guest that exits more often than this is looping; the run stops.</summary>
    public const int MaxExits = 20_000;

    public static GuestTrace Run(GuestBackend backend, GuestProgram program)
    {
        IHypervisor hypervisor = backend.Create();
        try
        {
            using IVirtualMachine vm = hypervisor.CreateVirtualMachine();
            var memory = new GuestMemory();
            memory.Add(vm.AddRam(0, GuestLayout.RamSize));
            GuestImage.Load(program, memory);

            using IVcpu vcpu = vm.CreateVcpu(0);
            vcpu.SetBootState(new VcpuBootState(program.Mode, GuestLayout.CodeAddress)
            {
                StackPointer = GuestLayout.StackTop,
                PageTableRoot = program.Mode == CpuMode.Long64 ? GuestLayout.Pml4Address : 0,
            });
            VcpuRegisters registers = vcpu.GetRegisters();
            SetInitialRegisters(ref registers, program.Mode);
            vcpu.SetRegisters(registers);

            var devices = new ScriptedDevices(memory);
            var exits = new List<RecordedExit>();
            VcpuRunResult result = RunWithTimeout(vcpu, (ref ExitContext exit) =>
            {
                devices.Respond(ref exit);
                // A host kick (a signal interrupting KVM_RUN) is not the guest's doing: not recorded.
                if (exit.Kind == ExitKind.Cancelled)
                    return;
                exits.Add(new RecordedExit(exit.Kind, exit.Address, exit.Size, exit.Count, exit.Data.ToArray()));
                if (exits.Count >= MaxExits)
                    exit.Outcome = ExitOutcome.StopVcpu;
            }, backend, program);

            byte[] ram = memory.GetSpan(0, (int)GuestLayout.ComparedRamEnd).ToArray();
            return new GuestTrace(backend.Name, result, exits, vcpu.GetRegisters(), ram);
        }
        finally
        {
            (hypervisor as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Every general register gets a distinct value, so a guest that forgets one, or a backend that
    /// clobbers one, shows. Outside long mode the values fit in 32 bits: the upper halves of the
    /// registers are not reachable there.
    /// </summary>
    public static void SetInitialRegisters(ref VcpuRegisters r, CpuMode mode)
    {
        ulong unit = mode == CpuMode.Long64 ? 0x0101_0101_0101_0101ul : 0x0101_0101ul;
        r.Rax = unit * 1; r.Rbx = unit * 2; r.Rcx = unit * 3; r.Rdx = unit * 4;
        r.Rsi = unit * 5; r.Rdi = unit * 6; r.Rsp = GuestLayout.StackTop; r.Rbp = unit * 8;
        r.R8 = unit * 9; r.R9 = unit * 10; r.R10 = unit * 11; r.R11 = unit * 12;
        r.R12 = unit * 13; r.R13 = unit * 14; r.R14 = unit * 15; r.R15 = unit * 16;
    }

    /// <summary>Runs the vCPU on its own thread, as a host would; fails the test if it is still running after <see cref="Timeout"/>.</summary>
    private static VcpuRunResult RunWithTimeout(IVcpu vcpu, ExitHandler pipeline, GuestBackend backend, GuestProgram program)
    {
        VcpuRunResult? result = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = vcpu.Run(pipeline);
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        { IsBackground = true, Name = $"{backend.Name} vCPU 0" };
        thread.Start();
        if (!thread.Join(Timeout))
        {
            vcpu.RequestStop();
            string state = thread.Join(TimeSpan.FromSeconds(5)) ? vcpu.DescribeState() : "(the vCPU thread did not stop either)";
            Assert.Fail($"{program.Name} on {backend.Name}: still running after {Timeout.TotalSeconds} s\n{state}");
        }

        if (error is not null)
            ExceptionDispatchInfo.Throw(error);
        return result!;
    }
}
