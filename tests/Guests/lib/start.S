/*
 * Entry of every probe guest: the multiboot (v1) header, a GDT of our own, a stack, then probe_main.
 * Multiboot Specification 0.6.96, 3.2 "Machine state": the loader enters in 32-bit protected mode with flat
 * segments, EAX = 0x2BADB002 and EBX = the information's address, but GDTR and ESP are undefined, so we load
 * a GDT (needed before any interrupt gate can be taken) and a stack before calling C.
 */
#define MULTIBOOT_MAGIC 0x1BADB002
/* Flags bit 0: modules page aligned; bit 1: memory information wanted (3.1.2). */
#define MULTIBOOT_FLAGS 0x00000003

#define CODE_SELECTOR 0x08
#define DATA_SELECTOR 0x10
#define STACK_SIZE 16384

    .section .multiboot, "a"
    .balign 4
    .long MULTIBOOT_MAGIC
    .long MULTIBOOT_FLAGS
    .long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

    .section .rodata
    .balign 8
gdt:
    .quad 0                         /* null descriptor */
    .quad 0x00CF9A000000FFFF        /* 0x08: code, base 0, limit 4 GiB, 32-bit, execute/read */
    .quad 0x00CF92000000FFFF        /* 0x10: data, base 0, limit 4 GiB, read/write */
gdt_end:
gdt_pointer:
    .word gdt_end - gdt - 1
    .long gdt

    .section .bss
    .balign 16
stack_bottom:
    .skip STACK_SIZE
stack_top:

    .section .text
    .globl _start
_start:
    cli
    lgdt gdt_pointer
    ljmp $CODE_SELECTOR, $1f
1:
    mov $DATA_SELECTOR, %cx
    mov %cx, %ds
    mov %cx, %es
    mov %cx, %fs
    mov %cx, %gs
    mov %cx, %ss
    mov $stack_top, %esp
    push %ebx                       /* the multiboot information */
    push %eax                       /* the magic */
    call probe_start
    /* probe_start exits through debug-exit; if that port is missing, stop here. */
2:
    cli
    hlt
    jmp 2b

    .section .note.GNU-stack, "", @progbits
