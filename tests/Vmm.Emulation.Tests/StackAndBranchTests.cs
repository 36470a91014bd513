using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Support;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Emulation.Tests.Support.Flag;

namespace Vmm.Emulation.Tests;

/// <summary>The stack (push, pop, pushf, pusha, enter, leave) and control transfers (call, ret, Jcc, LOOP, JCXZ).</summary>
public sealed class StackAndBranchTests
{
    [Fact]
    public void Push_and_pop_move_rsp_by_the_operand_size()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.mov(rax, 0x1122_3344_5566_7788ul);
            a.push(rax);
            a.mov(dx, 0xFFFE);
            a.push(dx);                          // 2 bytes
            a.pop(bx);
            a.pop(rcx);
            a.push(0x7FFF_FFFF);                 // imm32 sign-extended to 64
            a.pop(rdx);
            a.hlt();
        });
        guest.RunToHalt();

        VcpuRegisters r = guest.Registers;
        Assert.Equal(EmulatedGuest.StackTop, r.Rsp);
        Assert.Equal(0xFFFEul, r.Rbx & 0xFFFF);
        Assert.Equal(0x1122_3344_5566_7788ul, r.Rcx);
        Assert.Equal(0x7FFF_FFFFul, r.Rdx);
    }

    [Fact]
    public void Real_mode_stack_wraps_at_64_KiB()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.mov(sp, 0);
            a.mov(ax, 0x1234);
            a.push(ax);                          // SS:FFFE
            a.hlt();
        });
        guest.RunToHalt();

        Assert.Equal(0xFFFEul, guest.Registers.Rsp);
        Assert.Equal(new byte[] { 0x34, 0x12 }, guest.Memory(0xFFFE, 2).ToArray());
    }

    [Fact]
    public void Pushf_and_popf_round_trip_the_flags_and_clear_nothing_else()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.stc();
            a.std();
            a.pushfd();
            a.pop(eax);
            a.push(0x8D5);                      // OF SF ZF AF PF CF
            a.popfd();
            a.hlt();
        });
        guest.RunToHalt();

        VcpuRegisters r = guest.Registers;
        Assert.Equal(CF | DF | Reserved, r.Rax & (Status | DF | Reserved));
        Assert.Equal(OF | SF | ZF | AF | PF | CF, r.Rflags & Status);
        Assert.Equal(0ul, r.Rflags & DF);
    }

    [Fact]
    public void Pusha_and_popa_save_and_restore_all_but_sp()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.mov(ax, 1);
            a.mov(cx, 2);
            a.mov(dx, 3);
            a.mov(bx, 4);
            a.mov(bp, 5);
            a.mov(si, 6);
            a.mov(di, 7);
            a.pusha();
            a.mov(bx, __word_ptr[esp + 6]);      // the SP pushed: the value before PUSHA
            a.mov(__word_ptr[esp + 14], 0x99);   // change the saved AX
            a.xor(ax, ax);
            a.xor(di, di);
            a.popa();
            a.hlt();
        });
        guest.RunToHalt();

        VcpuRegisters r = guest.Registers;
        Assert.Equal(0x99ul, r.Rax & 0xFFFF);
        Assert.Equal(7ul, r.Rdi & 0xFFFF);
        Assert.Equal(EmulatedGuest.StackTop, r.Rsp);
    }

    [Fact]
    public void Call_and_ret_with_an_immediate_release_the_arguments()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            Label function = a.CreateLabel();
            a.push(40);
            a.push(2);
            a.call(function);
            a.hlt();
            a.Label(ref function);
            a.mov(eax, __dword_ptr[esp + 4]);
            a.add(eax, __dword_ptr[esp + 8]);
            a.ret(8);
        });
        guest.RunToHalt();

        Assert.Equal(42ul, guest.Registers.Rax);
        Assert.Equal(EmulatedGuest.StackTop, guest.Registers.Rsp);
    }

    [Fact]
    public void Enter_and_leave_build_and_drop_a_frame()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.mov(ebp, 0x1234);
            a.enter(16, 0);
            a.mov(ebx, ebp);
            a.mov(ecx, esp);
            a.leave();
            a.hlt();
        });
        guest.RunToHalt();

        VcpuRegisters r = guest.Registers;
        Assert.Equal(EmulatedGuest.StackTop - 4, r.Rbx);
        Assert.Equal(EmulatedGuest.StackTop - 4 - 16, r.Rcx);
        Assert.Equal(0x1234ul, r.Rbp);
        Assert.Equal(EmulatedGuest.StackTop, r.Rsp);
    }

    [Theory]
    // (left, right): every condition is reported as a bit in EAX, bit n = condition n (O NO B AE E NE BE A S NS P NP L GE LE G).
    [InlineData(3u, 4u, 0b0101_0101_0110_0110u)]            // 3 - 4: NO, B, NE, BE, S, P (0xFF), L, LE
    [InlineData(5u, 5u, 0b0110_0110_0101_1010u)]            // equal: NO, AE, E, BE, NS, P (0x00), GE, LE
    [InlineData(0x8000_0000u, 1u, 0b0101_0110_1010_1001u)]  // signed overflow: O, AE, NE, A, NS, P (0xFF), L, LE
    public void Jcc_takes_exactly_the_conditions_cmp_makes_true(uint left, uint right, uint expected)
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.xor(edx, edx);
            a.mov(esi, left);
            a.mov(edi, right);
            for (int cc = 0; cc < 16; cc++)
            {
                Label skip = a.CreateLabel();
                a.cmp(esi, edi);
                Jcc(a, cc, skip, taken: false);
                a.bts(edx, (byte)cc);
                a.Label(ref skip);
            }

            a.mov(eax, edx);
            a.hlt();
        });
        guest.RunToHalt();

        // The loop set the bit when the jump was NOT taken, so the conditions that hold are the clear bits.
        uint holds = ~(uint)guest.Registers.Rax & 0xFFFF;
        Assert.True(expected == holds, $"conditions 0b{Convert.ToString(holds, 2)}, expected 0b{Convert.ToString(expected, 2)}");
    }

    private static void Jcc(Assembler a, int cc, Label target, bool taken)
    {
        _ = taken;
        switch (cc)
        {
            case 0: a.jo(target); break;
            case 1: a.jno(target); break;
            case 2: a.jb(target); break;
            case 3: a.jae(target); break;
            case 4: a.je(target); break;
            case 5: a.jne(target); break;
            case 6: a.jbe(target); break;
            case 7: a.ja(target); break;
            case 8: a.js(target); break;
            case 9: a.jns(target); break;
            case 10: a.jp(target); break;
            case 11: a.jnp(target); break;
            case 12: a.jl(target); break;
            case 13: a.jge(target); break;
            case 14: a.jle(target); break;
            default: a.jg(target); break;
        }
    }

    [Fact]
    public void Loop_counts_cx_in_real_mode_and_leaves_the_upper_half_of_ecx()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            Label top = a.CreateLabel();
            a.mov(ecx, 0xABCD_0005);
            a.xor(ax, ax);
            a.Label(ref top);
            a.inc(ax);
            a.loop(top);
            a.hlt();
        });
        guest.RunToHalt();

        Assert.Equal(5ul, guest.Registers.Rax & 0xFFFF);
        Assert.Equal(0xABCD_0000ul, guest.Registers.Rcx);
    }

    [Fact]
    public void Loope_and_loopne_stop_on_zf_and_jcxz_tests_the_counter()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            Label scan = a.CreateLabel(), zero = a.CreateLabel(), done = a.CreateLabel();
            a.mov(esi, 0x3000);
            a.mov(ecx, 10);
            a.Label(ref scan);
            a.lodsb();
            a.cmp(al, 0x42);
            a.loopne(scan);                      // stops at the 0x42 at 0x3003
            a.mov(ebx, ecx);
            a.mov(ecx, 0);
            a.jecxz(zero);
            a.mov(edx, 1);
            a.jmp(done);
            a.Label(ref zero);
            a.mov(edx, 2);
            a.Label(ref done);
            a.hlt();
        }, prepare: g => new byte[] { 1, 2, 3, 0x42, 5 }.CopyTo(g.Memory(0x3000, 5)));
        guest.RunToHalt();

        Assert.Equal(10ul - 4, guest.Registers.Rbx);
        Assert.Equal(2ul, guest.Registers.Rdx);
    }

    [Fact]
    public void Indirect_jumps_and_calls_through_registers_and_memory()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            Label target = a.CreateLabel(), function = a.CreateLabel();
            a.lea(rax, __[target]);
            a.jmp(rax);
            a.hlt();
            a.Label(ref target);
            a.lea(rcx, __[function]);
            a.mov(__qword_ptr[0x3000], rcx);
            a.call(__qword_ptr[0x3000]);
            a.call(rcx);
            a.hlt();
            a.Label(ref function);
            a.add(ebx, 0x10);
            a.ret();
        });
        guest.RunToHalt();

        Assert.Equal(0x20ul, guest.Registers.Rbx);
        Assert.Equal(EmulatedGuest.StackTop, guest.Registers.Rsp);
    }

    [Fact]
    public void Far_jump_in_real_mode_loads_cs_with_selector_times_16()
    {
        // jmp 0x0100:0x0010 lands at linear 0x1010.
        byte[] code = [0xEA, 0x10, 0x00, 0x00, 0x01];
        using EmulatedGuest guest = EmulatedGuest.StartBytes(CpuMode.Real, code, g =>
        {
            g.Memory(0x1010, 3).Fill(0);
            new byte[] { 0xB0, 0x5A, 0xF4 }.CopyTo(g.Memory(0x1010, 3));   // mov al,0x5a; hlt
        });
        guest.RunToHalt();

        Assert.Equal(0x5Aul, guest.Registers.Rax & 0xFF);
        Assert.Equal(0x13ul, guest.Registers.Rip);
        Assert.Equal((ushort)0x100, guest.Vcpu.Interpreter.GetSegment(1).Selector);
    }
}
