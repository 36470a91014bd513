/*
 * Interrupt entry stubs for probe guests: one 16-byte stub per vector pushes its number and jumps to a common
 * path that saves the registers and calls interrupt_dispatch(vector) in C.
 *
 * Why no iret: this machine's software KVM cannot emulate a 32-bit protected-mode `iret` (the vCPU stops with
 * an internal error, under QEMU too). The return path instead rearranges the frame the CPU pushed
 * (EIP, CS, EFLAGS) into (EFLAGS, EIP, CS) and runs `popf; ret 4`: popf restores the flags (and IF), ret pops
 * EIP and drops CS, which is the same flat code selector since probes run at one privilege level. Unlike iret
 * this is not atomic: an interrupt can arrive between popf and ret; it then nests on the stack below the
 * remaining two words and returns to the ret, so nothing is lost, only one frame of stack used.
 *
 * Exceptions (vectors 0-31) do not return: exception_report prints a FAIL line and exits.
 */
    .section .text
    .globl interrupt_stubs
    .balign 16
interrupt_stubs:
    .set vector, 0
    .rept 32
    .balign 16
    pushl $vector
    jmp exception_common
    .set vector, vector + 1
    .endr
    .rept 224
    .balign 16
    pushl $vector
    jmp interrupt_common
    .set vector, vector + 1
    .endr

exception_common:
    /* Stack: vector, [error code,] EIP, CS, EFLAGS. */
    mov %esp, %eax
    push %eax
    call exception_report
1:
    cli
    hlt
    jmp 1b

interrupt_common:
    /* Stack: vector, EIP, CS, EFLAGS. */
    pusha
    cld
    pushl 32(%esp)                  /* the vector, above the 8 saved registers */
    call interrupt_dispatch
    add $4, %esp
    popa
    /* Offsets after the push: 0 eax, 4 vector, 8 EIP, 12 CS, 16 EFLAGS; make 8 EFLAGS, 12 EIP, 16 CS. */
    push %eax
    mov 16(%esp), %eax
    xchg %eax, 8(%esp)
    xchg %eax, 12(%esp)
    mov %eax, 16(%esp)
    pop %eax
    lea 4(%esp), %esp               /* drop the vector */
    popf
    ret $4

    .section .note.GNU-stack, "", @progbits
