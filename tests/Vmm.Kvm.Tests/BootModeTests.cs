using System.Buffers.Binary;
using Vmm.Core.Hypervisor;
using Vmm.Kvm.Tests.Guests;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

/// <summary>SetBootState on real KVM: the guest starts in the mode asked for, with the registers asked for.</summary>
public sealed class BootModeTests
{
    [Fact]
    public void Protected32_boot_runs_a_flat_32_bit_guest_with_the_boot_registers()
    {
        // Reads through ESI, adds EBX, writes above 64 KiB (flat DS) and pushes (flat SS with ESP).
        const uint input = 0x9000, output = 0xF_0000, stack = 0x8_0000;
        using var guest = TestGuest.Start(CpuMode.Protected32, a =>
        {
            a.mov(eax, __dword_ptr[esi]);
            a.add(eax, ebx);
            a.mov(__dword_ptr[output], eax);
            a.push(eax);
            a.hlt();
        }, prepare: g => BinaryPrimitives.WriteUInt32LittleEndian(g.Memory(input, 4), 0x1000_0000));
        guest.Vcpu.SetBootState(new VcpuBootState(CpuMode.Protected32, TestGuest.CodeAddress)
        {
            StackPointer = stack,
            Rbx = 0x0234_5678,
            Rsi = input,
        });

        VcpuRunResult result = guest.Run(new ExitLog().Pipeline(ExitLog.StopOnHalt));

        Assert.Equal(VcpuStopReason.Halted, result.Reason);
        VcpuRegisters registers = guest.Vcpu.GetRegisters();
        Assert.Equal(0x1234_5678ul, registers.Rax);
        Assert.Equal(stack - 4, registers.Rsp);
        Assert.Equal(0x1234_5678u, BinaryPrimitives.ReadUInt32LittleEndian(guest.Memory(output, 4)));
        Assert.Equal(0x1234_5678u, BinaryPrimitives.ReadUInt32LittleEndian(guest.Memory(stack - 4, 4)));
        var sregs = guest.Vcpu.GetSpecialRegisters();
        Assert.Equal(1ul, sregs.Cr0 & 1);
        Assert.Equal(0ul, sregs.Cr0 >> 31);
        Assert.Equal(1, sregs.Cs.Db);
    }

    [Fact]
    public void Real_mode_boot_above_64_KiB_splits_the_entry_into_cs_and_ip()
    {
        const ulong entry = 0x1_2340;
        using var guest = TestGuest.Start(CpuMode.Real, a => a.hlt());
        guest.Memory(entry, 1)[0] = 0xF4; // hlt
        guest.Vcpu.SetBootState(new VcpuBootState(CpuMode.Real, entry) { StackPointer = 0x7000, Rax = 0xA5 });

        VcpuRunResult result = guest.Run(new ExitLog().Pipeline(ExitLog.StopOnHalt));

        Assert.Equal(VcpuStopReason.Halted, result.Reason);
        VcpuRegisters registers = guest.Vcpu.GetRegisters();
        Assert.Equal(0x2341ul, registers.Rip); // past the hlt at CS:IP = 1000:2340
        Assert.Equal(0xA5ul, registers.Rax);
        Assert.Equal(0x7000ul, registers.Rsp);
        Assert.Equal(0x1000, guest.Vcpu.GetSpecialRegisters().Cs.Selector);
    }

    [Fact]
    public void Registers_set_before_run_are_what_the_guest_sees()
    {
        using var guest = TestGuest.Start(CpuMode.Real, a =>
        {
            a.@out(dx, al);
            a.hlt();
        });
        VcpuRegisters registers = guest.Vcpu.GetRegisters();
        registers.Rax = 0x5A;
        registers.Rdx = 0x402;
        guest.Vcpu.SetRegisters(registers);
        var log = new ExitLog();

        guest.Run(log.Pipeline(ExitLog.StopOnHalt));

        RecordedExit exit = log.Single(ExitKind.IoOut);
        Assert.Equal(0x402ul, exit.Address);
        Assert.Equal(new byte[] { 0x5A }, exit.Data);
    }

    [Fact]
    public void DescribeState_shows_general_segment_and_control_registers()
    {
        using var guest = TestGuest.Start(CpuMode.Protected32, a => a.hlt());

        string state = guest.Vcpu.DescribeState();

        Assert.Contains("vCPU 0", state);
        Assert.Contains($"rip={TestGuest.CodeAddress:x16}", state);
        Assert.Contains("rflags=00000002", state);
        Assert.Contains("cs  sel=0008", state);
        Assert.Contains("ss  sel=0010", state);
        Assert.Contains("cr0=", state);
        Assert.Contains("cr3=", state);
        Assert.Contains("cr4=", state);
        Assert.Contains("efer=", state);
    }
}
