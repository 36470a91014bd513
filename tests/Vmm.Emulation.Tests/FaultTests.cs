using System.Buffers.Binary;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Support;
using Vmm.Sdk;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Emulation.Tests;

/// <summary>
/// What the emulator does not run, and guest exceptions: an unsupported instruction stops the run naming it
/// (never runs wrongly); exceptions go to the guest's IDT/IVT handlers as on KVM, a triple fault shuts down,
/// and a real-mode exception with no handler stops the run naming the instruction.
/// </summary>
public sealed class FaultTests
{
    [Fact]
    public void An_unsupported_instruction_is_fatal_naming_it_and_its_rip_after_a_fatal_exit()
    {
        // mov eax,5; movaps xmm0,xmm1 (SSE: not emulated); hlt
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Protected32, [0xB8, 0x05, 0x00, 0x00, 0x00, 0x0F, 0x28, 0xC1, 0xF4]);
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline());

        Assert.Equal(VcpuStopReason.Fatal, result.Reason);
        Assert.Contains("unsupported instruction 'movaps xmm0,xmm1'", result.Detail);
        Assert.Contains("0008:1005", result.Detail);
        Assert.Contains("rax=0000000000000005", result.Detail);      // the register dump; the mov before it ran
        Assert.Equal(ExitKind.Fatal, Assert.Single(log.Exits).Kind);
        Assert.Equal(EmulatedGuest.CodeAddress + 5, guest.Registers.Rip);
    }

    [Fact]
    public void Divide_by_zero_in_protected_mode_without_an_idt_is_a_triple_fault_naming_the_instruction()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.xor(ecx, ecx);
            a.div(ecx);
            a.hlt();
        });
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline());

        Assert.Equal(VcpuStopReason.Shutdown, result.Reason);
        Assert.Contains("#DE", result.Detail);
        Assert.Contains("div ecx", result.Detail);
        Assert.Equal(ExitKind.Shutdown, Assert.Single(log.Exits).Kind);
    }

    [Fact]
    public void Divide_by_zero_in_real_mode_with_no_handler_is_fatal_naming_the_instruction()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.xor(cx, cx);
            a.div(cx);
            a.hlt();
        });
        var log = new ExitLog();

        VcpuRunResult result = guest.Run(log.Pipeline());

        Assert.Equal(VcpuStopReason.Fatal, result.Reason);
        Assert.Contains("#DE (divide by zero)", result.Detail);
        Assert.Contains("div cx", result.Detail);
        Assert.Contains("0000:1002", result.Detail);
        Assert.Equal(ExitKind.Fatal, Assert.Single(log.Exits).Kind);
    }

    [Fact]
    public void Ud2_in_long_mode_without_an_idt_shuts_down()
    {
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Long64, [0x0F, 0x0B]);

        VcpuRunResult result = guest.Run(new ExitLog().Pipeline());

        Assert.Equal(VcpuStopReason.Shutdown, result.Reason);
        Assert.Contains("#UD", result.Detail);
    }

    [Fact]
    public void An_exception_goes_to_the_idt_handler_with_the_faulting_eip_and_an_error_code()
    {
        const ulong idt = 0x6000, idtr = 0x6800, gpHandler = 0x2000;
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.lidt(__[idtr]);
            a.lgdt(__[idtr + 8]);
            a.mov(ecx, 0x28);
            a.mov(ds, ecx);                          // past the GDT limit: #GP(0x28)
            a.hlt();
        }, prepare: g =>
        {
            // A flat GDT (selector 8 = code, 0x10 = data) and a 32-bit interrupt gate for #GP.
            g.WriteQword(0x7000 + 8, 0x00CF_9A00_0000_FFFF);
            g.WriteQword(0x7000 + 16, 0x00CF_9200_0000_FFFF);
            BinaryPrimitives.WriteUInt16LittleEndian(g.Memory(idtr + 8, 2), 23);
            BinaryPrimitives.WriteUInt32LittleEndian(g.Memory(idtr + 10, 4), 0x7000);
            BinaryPrimitives.WriteUInt16LittleEndian(g.Memory(idtr, 2), 14 * 8 - 1);
            BinaryPrimitives.WriteUInt32LittleEndian(g.Memory(idtr + 2, 4), (uint)idt);
            g.WriteQword(idt + 13 * 8, (gpHandler & 0xFFFF) | (8ul << 16) | (0x8E00ul << 32) | ((gpHandler >> 16) << 48));
            // The handler: pop the error code into esi, the EIP into edi, hlt.
            new byte[] { 0x5E, 0x5F, 0xF4 }.CopyTo(g.Memory(gpHandler, 3));
        });

        guest.RunToHalt();

        VcpuRegisters r = guest.Registers;
        Assert.Equal(0x28ul, r.Rsi);
        Assert.Equal(EmulatedGuest.CodeAddress + 7 + 7 + 5, r.Rdi);     // the MOV DS that faulted
        Assert.Equal(gpHandler + 3, r.Rip);
        Assert.Equal(0ul, r.Rflags & Flag.IF);
    }

    [Fact]
    public void Int_n_in_real_mode_calls_the_ivt_handler_and_iret_returns()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.sti();
            a.mov(ax, 1);
            a.@int(0x30);
            a.mov(bx, ax);
            a.pushf();
            a.pop(dx);                           // IF as IRET restored it
            a.cli();                             // HLT with IF=1 would wait for an interrupt
            a.hlt();
        }, prepare: g =>
        {
            BinaryPrimitives.WriteUInt32LittleEndian(g.Memory(0x30 * 4, 4), 0x0200_0000);    // 0200:0000 = 0x2000
            // The handler: add ax,0x41; pushf; pop cx (IF is clear inside); iret
            new byte[] { 0x83, 0xC0, 0x41, 0x9C, 0x59, 0xCF }.CopyTo(g.Memory(0x2000, 6));
        });

        guest.RunToHalt();

        VcpuRegisters r = guest.Registers;
        Assert.Equal(0x42ul, r.Rbx & 0xFFFF);
        Assert.Equal(0ul, r.Rcx & Flag.IF);
        Assert.Equal(Flag.IF, r.Rdx & Flag.IF);
        Assert.Equal(EmulatedGuest.StackTop, r.Rsp);
    }

    [Fact]
    public void An_unknown_msr_raises_gp_by_default_and_reads_zero_when_the_policy_says_so()
    {
        static void Program(Assembler a)
        {
            a.mov(ecx, 0x1234_5678);
            a.mov(eax, 0xFFFF_FFFF);
            a.rdmsr();
            a.hlt();
        }

        using EmulatedGuest strict = EmulatedGuest.Start(CpuMode.Protected32, Program);
        using EmulatedGuest lenient = EmulatedGuest.Start(CpuMode.Protected32, Program,
            options: new EmulatorOptions { UnknownMsrs = UnknownMsrPolicy.ReadZeroIgnoreWrite });

        VcpuRunResult result = strict.Run(new ExitLog().Pipeline());
        lenient.RunToHalt();

        Assert.Equal(VcpuStopReason.Shutdown, result.Reason);
        Assert.Contains("RDMSR of MSR 0x12345678", result.Detail);
        Assert.Equal(0ul, lenient.Registers.Rax);
    }
}
