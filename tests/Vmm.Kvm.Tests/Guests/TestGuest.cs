using System.Runtime.ExceptionServices;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;
using Vmm.Sdk;

namespace Vmm.Kvm.Tests.Guests;

/// <summary>
/// A real KVM VM with 1 MiB of RAM at 0, one vCPU, and a tiny Iced-assembled program at
/// <see cref="CodeAddress"/>. Skips the test when KVM is unavailable.
/// </summary>
internal sealed class TestGuest : IDisposable
{
    public const ulong CodeAddress = 0x1000;
    public const ulong RamSize = 0x10_0000;
    public const ulong StackTop = 0x8000;

    /// <summary>A guest-physical address with no RAM behind it: accesses there are MMIO exits.</summary>
    public const uint MmioAddress = 0xD000_0000;

    private static readonly TimeSpan s_runTimeout = TimeSpan.FromSeconds(20);

    private readonly KvmHypervisor _hypervisor;

    private TestGuest(KvmHypervisor hypervisor)
    {
        _hypervisor = hypervisor;
        Vm = hypervisor.CreateVirtualMachine();
        Ram = Vm.AddRam(0, RamSize);
        Vcpu = Vm.CreateVcpu(0);
    }

    public KvmVirtualMachine Vm { get; }

    public GuestMemoryRegion Ram { get; }

    public KvmVcpu Vcpu { get; }

    /// <summary>Loads <paramref name="program"/> (16-, 32- or 64-bit code for <paramref name="mode"/>) and boots vCPU 0 into it.</summary>
    /// <param name="irqchip">Give the VM KVM's in-kernel PIC, IOAPIC, local APIC and PIT (HLT then waits in the kernel).</param>
    public static TestGuest Start(CpuMode mode, Action<Assembler> program, CpuidPolicy? cpuid = null, Action<TestGuest>? prepare = null,
        ulong pageTableRoot = 0, bool irqchip = false)
    {
        KvmRequirement.SkipUnlessAvailable();
        var guest = new TestGuest(new KvmHypervisor(cpuid ?? CpuidPolicy.CreateDefault()) { InKernelIrqchip = irqchip });
        try
        {
            var assembler = new Assembler(mode switch { CpuMode.Real => 16, CpuMode.Protected32 => 32, _ => 64 });
            program(assembler);
            var writer = new ByteListCodeWriter();
            assembler.Assemble(writer, CodeAddress);
            writer.Bytes.ToArray().CopyTo(guest.Memory(CodeAddress, writer.Bytes.Count));
            prepare?.Invoke(guest);
            guest.Vcpu.SetBootState(new VcpuBootState(mode, CodeAddress) { StackPointer = StackTop, PageTableRoot = pageTableRoot });
            return guest;
        }
        catch
        {
            guest.Dispose();
            throw;
        }
    }

    public Span<byte> Memory(ulong address, int length)
    {
        Assert.True(Ram.Contains(address, (ulong)length), $"0x{address:x}+{length} is outside the test RAM");
        return Ram.Slice(address, length);
    }

    /// <summary>Runs vCPU 0 on its own thread, as a host would; fails the test if the guest is still running after 20 s.</summary>
    public VcpuRunResult Run(ExitHandler pipeline)
    {
        VcpuRunResult? result = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = Vcpu.Run(pipeline);
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        { IsBackground = true, Name = "test vCPU 0" };
        thread.Start();
        if (!thread.Join(s_runTimeout))
        {
            Vcpu.RequestStop();
            thread.Join();
            Assert.Fail($"the guest was still running after {s_runTimeout.TotalSeconds} s:\n{Vcpu.DescribeState()}");
        }

        if (error is not null)
            ExceptionDispatchInfo.Throw(error);
        return result!;
    }

    public void Dispose()
    {
        Vm.Dispose();
        _hypervisor.Dispose();
    }
}
