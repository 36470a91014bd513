using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Differential.Harness;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Emulation.Tests.Differential.Harness.GuestLayout;

namespace Vmm.Emulation.Tests.Differential.Guests;

/// <summary>Guests about the stack and control transfer: calls and returns of every kind, interrupts in real mode, ENTER and LEAVE, and loops.</summary>
internal static class StackGuests
{
    // Real mode: a near subroutine called through a register at 0x3200 (Iced cannot load a label's address
    // in 16-bit code), a far subroutine at 0300:0000 and an INT 30h handler at 0300:0100 (vector at 0x30 * 4).
    private const ushort FarSegment = 0x0300;
    private const ulong FarRoutine = 0x3000, InterruptHandler = 0x3100, NearRoutine = 0x3200, Vector30 = 0x30 * 4;

    public static IEnumerable<GuestProgram> All =>
    [
        new("real_mode_calls_returns_interrupts_and_pusha", CpuMode.Real, a =>
        {
            var withArgument = a.CreateLabel();
            var start = a.CreateLabel();
            a.jmp(start);

            a.Label(ref withArgument);                  // (word) -> AX = argument + 1, RET 2 pops it
            a.push(bp);
            a.mov(bp, sp);
            a.mov(ax, __word_ptr[bp + 4]);
            a.inc(ax);
            a.pop(bp);
            a.ret((ushort)2);

            a.Label(ref start);
            a.push(0x1234);
            a.call(withArgument);
            a.OutValue(eax);
            a.OutValue(sp);
            a.mov(bx, (ushort)NearRoutine);
            a.mov(di, 0);
            a.call(bx);
            a.mov(__word_ptr[0x4000], bx);
            a.call(__word_ptr[0x4000]);
            a.OutValue(di);
            a.call(FarSegment, 0);                      // far call: pushes CS and IP
            a.OutValue(ebx);
            a.cmp(ax, ax);                              // defined flags for INT to push
            a.stc();
            a.@int(0x30);                               // pushes FLAGS CS IP, clears IF TF
            a.OutFlags();                               // the handler's IRET restored CF
            a.OutValue(ecx);
            // PUSHA/POPA, PUSH SP (the value before the push), POP to memory.
            a.mov(ax, 0xA1);
            a.mov(cx, 0xC1);
            a.pusha();
            a.mov(ax, 0);
            a.mov(cx, 0);
            a.popa();
            a.OutValue(eax);
            a.OutValue(ecx);
            a.pushad();
            a.popad();
            a.push(sp);
            a.pop(si);
            a.OutValue(si);
            a.push(0x5678);
            a.pop(__word_ptr[0x4010]);
            a.OutValue(__dword_ptr[0x4010]);
            // LOOP and JCXZ count CX, not ECX, with a 16-bit address size.
            a.mov(ecx, 0x1234_0003);
            var again = a.CreateLabel();
            a.Label(ref again);
            a.loop(again);
            a.OutValue(ecx);
            var zero = a.CreateLabel();
            a.mov(dx, 0);
            a.jcxz(zero);
            a.mov(dx, 0xBAD);
            a.Label(ref zero);
            a.OutValue(edx);
            a.pushf();
            a.pop(ax);
            a.and(ax, (ushort)GuestProgram.ComparedFlags);
            a.OutValue(ax);
            a.cmp(ax, 1);
            a.hlt();
        })
        {
            MoreCode =
            [
                new CodeBlock(16, FarRoutine, a =>
                {
                    a.mov(bp, sp);
                    a.mov(bx, __word_ptr[bp + 2]);          // the pushed CS
                    a.shl(ebx, 16);
                    a.mov(bx, cs);
                    a.retf();
                }),
                new CodeBlock(16, NearRoutine, a =>
                {
                    a.add(di, 0x11);
                    a.ret();
                }),
                new CodeBlock(16, InterruptHandler, a =>
                {
                    a.mov(bp, sp);
                    a.mov(cx, __word_ptr[bp + 4]);          // the pushed FLAGS
                    a.shl(ecx, 16);
                    a.mov(cx, cs);
                    a.clc();
                    a.iret();
                }),
            ],
            Data = [new GuestData(Vector30, [0x00, 0x01, 0x00, 0x03])],  // 0300:0100
        },

        new("enter_and_leave_frames", CpuMode.Protected32, a =>
        {
            // Nesting level 0 only: the KVM here emulates every instruction, and its emulator refuses ENTER
            // with a nesting level (arch/x86/kvm/emulate.c em_enter: X86EMUL_UNHANDLEABLE).
            a.mov(ebp, 0x7E00);
            a.enter((ushort)0x10, (byte)0);
            a.OutValue(ebp);
            a.OutValue(esp);
            a.mov(__dword_ptr[ebp - 4], 0x1111_1111);
            a.enter((ushort)0x108, (byte)0);
            a.OutValue(ebp);
            a.OutValue(esp);
            a.enter((ushort)0, (byte)0);
            a.OutValue(ebp);
            a.OutValue(esp);
            a.leave();
            a.OutValue(ebp);
            a.OutValue(esp);
            a.leave();
            a.OutValue(__dword_ptr[ebp - 4]);
            a.leave();
            a.OutValue(ebp);
            a.OutValue(esp);
            a.cmp(ebp, esp);
            a.hlt();
        }),

        new("long64_calls_returns_pushes_and_recursion", CpuMode.Long64, a =>
        {
            var factorial = a.CreateLabel();
            var baseCase = a.CreateLabel();
            var addOne = a.CreateLabel();
            var start = a.CreateLabel();
            a.jmp(start);

            a.Label(ref factorial);                     // RDI! in RAX
            a.cmp(rdi, 1);
            a.jbe(baseCase);
            a.push(rdi);
            a.dec(rdi);
            a.call(factorial);
            a.pop(rdi);
            a.imul(rax, rdi);
            a.ret();
            a.Label(ref baseCase);
            a.mov(eax, 1);
            a.ret();

            a.Label(ref addOne);
            a.inc(rsi);
            a.ret((ushort)8);                                 // drops one pushed qword

            a.Label(ref start);
            a.mov(edi, 10);
            a.call(factorial);
            a.OutValue(rax);
            a.OutValue(rsp);
            a.mov(rsi, 0);
            a.lea(rbx, __[addOne]);
            a.push(rbx);
            a.call(rbx);
            a.mov(__qword_ptr[0x4000], rbx);
            a.push(rbx);
            a.call(__qword_ptr[0x4000]);
            a.OutValue(rsi);
            a.OutValue(rsp);
            a.push(-1);                                 // 8 bytes, sign-extended
            a.pop(rcx);
            a.OutValue(rcx);
            a.push(0x7FFF_0000);
            a.pop(r8);
            a.OutValue(r8);
            a.mov(ax, 0x4321);
            a.push(ax);                                 // 2 bytes
            a.OutValue(rsp);
            a.pop(dx);
            a.OutValue(rdx);
            a.mov(rbp, 0x7F00);
            a.enter((ushort)0x20, (byte)0);
            a.OutValue(rbp);
            a.leave();
            a.OutValue(rbp);
            a.OutValue(rsp);
            a.cmp(rax, rcx);
            a.hlt();
        }),

        new("loop_loope_loopne_jecxz", CpuMode.Protected32, a =>
        {
            var sum = a.CreateLabel();
            a.mov(eax, 0);
            a.mov(ecx, 5);
            a.Label(ref sum);
            a.add(eax, ecx);
            a.loop(sum);
            a.OutValue(eax);
            a.OutValue(ecx);
            // LOOPE: scan while bytes equal 7.
            var equal = a.CreateLabel();
            a.cld();
            a.mov(esi, (uint)DataAddress);
            a.mov(ecx, 6);
            a.Label(ref equal);
            a.lodsb();
            a.cmp(al, 7);
            a.loope(equal);
            a.OutFlags();
            a.OutValue(ecx);
            a.OutValue(esi);
            // LOOPNE: scan until a zero byte.
            var notZero = a.CreateLabel();
            a.mov(ecx, 16);
            a.Label(ref notZero);
            a.lodsb();
            a.test(al, al);
            a.loopne(notZero);
            a.OutFlags(Flags.AF);
            a.OutValue(ecx);
            a.OutValue(esi);
            // LOOP changes no flag; JECXZ jumps on ECX = 0 only.
            var once = a.CreateLabel();
            a.mov(ecx, 1);
            a.stc();
            a.Label(ref once);
            a.loop(once);
            a.OutFlags(Flags.AF);
            var taken = a.CreateLabel();
            var notTaken = a.CreateLabel();
            a.mov(edx, 0);
            a.jecxz(taken);
            a.mov(edx, 0xBAD);
            a.Label(ref taken);
            a.mov(ecx, 0x1_0000);                       // CX = 0 but ECX is not
            a.jecxz(notTaken);
            a.add(edx, 1);
            a.Label(ref notTaken);
            a.OutValue(edx);
            a.hlt();
        })
        {
            Data = [new GuestData(DataAddress, [7, 7, 7, 9, 7, 7, 1, 2, 3, 0, 5])],
        },

        new("real_mode_stack_wraps_at_64_kib", CpuMode.Real, a =>
        {
            a.mov(sp, 0);
            a.mov(ax, 0x1234);
            a.push(ax);                                 // SP wraps to 0xFFFE
            a.OutValue(sp);
            a.OutValue(__dword_ptr[0xFFFC]);
            a.push(-2);                                 // PUSH imm8, sign-extended to a word
            a.pop(bx);
            a.pop(cx);                                  // SP wraps back to 0
            a.OutValue(sp);
            a.OutValue(ebx);
            a.OutValue(ecx);
            a.mov(sp, (ushort)StackTop);
            a.sub(bx, cx);
            a.hlt();
        }),

        new("real_mode_far_pointers_and_backward_offset_wrap", CpuMode.Real, a =>
        {
            a.mov(__word_ptr[0x4000], 0x1234);
            a.mov(__word_ptr[0x4002], 0x0450);              // far pointer 0450:1234
            a.mov(__word_ptr[0x4004], 0x7F00);
            a.mov(__word_ptr[0x4006], 0x0000);              // far pointer 0000:7F00, for LSS
            a.mov(__word_ptr[0x4008], 0x0000);
            a.mov(__word_ptr[0x400A], FarSegment);          // far pointer 0300:0000, the far routine
            a.lds(si, __dword_ptr[0x4000]);
            a.mov(ax, ds);
            a.OutValue(ax);
            a.OutValue(si);
            a.mov(ax, 0);
            a.mov(ds, ax);
            a.les(di, __dword_ptr[0x4000]);
            a.lfs(bx, __dword_ptr[0x4000]);
            a.lgs(cx, __dword_ptr[0x4000]);
            a.mov(ax, gs);
            a.OutValue(ax);
            a.lss(sp, __dword_ptr[0x4004]);
            a.OutValue(sp);
            a.call(__dword_ptr[0x4008]);                    // CALL m16:16
            a.OutValue(ebx);
            a.mov(ax, 0);
            a.mov(es, ax);
            a.mov(fs, ax);
            a.mov(gs, ax);
            a.mov(ax, 0x0400);                              // DS:0000 = 0x4000
            a.mov(ds, ax);
            a.mov(si, 1);
            a.mov(di, 0x4100);
            a.mov(cx, 3);
            a.std();
            a.rep.movsb();                                  // DS:1, DS:0, then DS:FFFF (SI wraps down)
            a.cld();
            a.OutValue(esi);
            a.OutValue(edi);
            a.mov(ax, 0);
            a.mov(ds, ax);
            a.OutValue(__dword_ptr[0x40FC]);
            a.mov(sp, (ushort)StackTop);
            a.cmp(si, di);
            a.hlt();
        })
        {
            MoreCode = [new CodeBlock(16, FarRoutine, a =>
            {
                a.mov(bx, cs);
                a.retf();
            })],
            Data = [new GuestData(0x13FFF, [0x5A])],
        },
    ];
}
