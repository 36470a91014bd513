using System.Buffers.Binary;
using System.Runtime.ExceptionServices;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;
using Vmm.Sdk;

namespace Vmm.Emulation.Tests.Support;

/// <summary>
/// An emulated VM with 1 MiB of RAM at 0 (or more), one vCPU, and a small program at <see cref="CodeAddress"/>:
/// literal bytes or an Iced-assembled program.
/// </summary>
internal sealed class EmulatedGuest : IDisposable
{
    public const ulong CodeAddress = 0x1000;
    public const ulong StackTop = 0x8000;
    public const ulong DataAddress = 0x3000;

    /// <summary>A guest-physical address with no RAM behind it: accesses there are MMIO exits.</summary>
    public const uint MmioAddress = 0xD000_0000;

    /// <summary>Where <see cref="StartLong"/> puts its identity-mapping page tables (PML4, PDPT, PD).</summary>
    public const ulong PageTables = 0x10000;

    private static readonly TimeSpan s_runTimeout = TimeSpan.FromSeconds(20);

    private EmulatedGuest(EmulatorOptions? options, ulong ramSize)
    {
        Hypervisor = new EmulatedHypervisor(options ?? new EmulatorOptions());
        Vm = Hypervisor.CreateVirtualMachine();
        Ram = Vm.AddRam(0, ramSize);
        Vcpu = Vm.CreateVcpu(0);
    }

    public EmulatedHypervisor Hypervisor { get; }

    public EmulatedVirtualMachine Vm { get; }

    public GuestMemoryRegion Ram { get; }

    public EmulatedVcpu Vcpu { get; }

    public VcpuRegisters Registers => Vcpu.GetRegisters();

    public static int Bitness(CpuMode mode) => mode switch { CpuMode.Real => 16, CpuMode.Protected32 => 32, _ => 64 };

    /// <summary>Assembles <paramref name="program"/> for <paramref name="mode"/> at <see cref="CodeAddress"/> and boots into it.</summary>
    public static EmulatedGuest Start(CpuMode mode, Action<Assembler> program, Action<EmulatedGuest>? prepare = null,
        EmulatorOptions? options = null, ulong ramSize = 0x10_0000)
    {
        var assembler = new Assembler(Bitness(mode));
        program(assembler);
        var writer = new ListCodeWriter();
        assembler.Assemble(writer, CodeAddress);
        return StartBytes(mode, [.. writer.Bytes], prepare, options, ramSize);
    }

    /// <summary>Loads literal instruction bytes at <see cref="CodeAddress"/> and boots into them.</summary>
    public static EmulatedGuest StartBytes(CpuMode mode, byte[] code, Action<EmulatedGuest>? prepare = null,
        EmulatorOptions? options = null, ulong ramSize = 0x10_0000)
    {
        var guest = new EmulatedGuest(options, ramSize);
        try
        {
            code.CopyTo(guest.Memory(CodeAddress, code.Length));
            ulong root = 0;
            if (mode == CpuMode.Long64)
            {
                guest.BuildIdentityMap();
                root = PageTables;
            }

            prepare?.Invoke(guest);
            guest.Vcpu.SetBootState(new VcpuBootState(mode, CodeAddress) { StackPointer = StackTop, PageTableRoot = root });
            return guest;
        }
        catch
        {
            guest.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Identity-maps the first 1 GiB with 2 MiB pages, and the 1 GiB holding <see cref="MmioAddress"/> too,
    /// at <see cref="PageTables"/>.
    /// </summary>
    public void BuildIdentityMap()
    {
        const ulong present = 1, writable = 2, large = 0x80;
        ulong pml4 = PageTables, pdpt = PageTables + 0x1000, pdLow = PageTables + 0x2000, pdHigh = PageTables + 0x3000;
        WriteQword(pml4, pdpt | present | writable);
        WriteQword(pdpt, pdLow | present | writable);
        WriteQword(pdpt + 3 * 8, pdHigh | present | writable);
        for (ulong i = 0; i < 512; i++)
        {
            WriteQword(pdLow + i * 8, (i << 21) | present | writable | large);
            WriteQword(pdHigh + i * 8, (0xC000_0000 + (i << 21)) | present | writable | large);
        }
    }

    public Span<byte> Memory(ulong address, int length)
    {
        Assert.True(Ram.Contains(address, (ulong)length), $"0x{address:x}+{length} is outside the test RAM");
        return Ram.Slice(address, length);
    }

    public void WriteQword(ulong address, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Memory(address, 8), value);

    public ulong ReadQword(ulong address) => BinaryPrimitives.ReadUInt64LittleEndian(Memory(address, 8));

    /// <summary>Runs until HLT with the recording pipeline: fails the test if it ends any other way.</summary>
    public ExitLog RunToHalt(ExitLog.Responder? respond = null)
    {
        var log = new ExitLog();
        VcpuRunResult result = Run(log.Pipeline(respond is null ? ExitLog.StopOnHalt : (ref ExitContext exit) =>
        {
            respond(ref exit);
            ExitLog.StopOnHalt(ref exit);
        }));
        Assert.True(result.Reason == VcpuStopReason.Halted, $"{result.Reason}: {result.Detail}");
        return log;
    }

    /// <summary>Runs vCPU 0 on its own thread, as a host would; fails the test if the guest still runs after 20 s.</summary>
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
        { IsBackground = true, Name = "emulated vCPU 0" };
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

    public void Dispose() => Vm.Dispose();
}
