/*
 * The AP trampoline, copied to AP_TRAMPOLINE_ADDRESS by ap_trampoline_install (smp.c). A SIPI starts the AP in
 * real mode with CS = the page's segment and IP = 0 (SDM Vol. 3A 8.4.4.1), so the 16-bit part addresses its
 * data relative to CS; the far jump into 32-bit code and the GDT pointer use the copy's absolute addresses.
 * SDM Vol. 3A 9.9.1 "Switching to Protected Mode": load a GDT, set CR0.PE, far jump to flush, load the data
 * segments. The GDT is the trampoline's own copy of the probe's (same selectors), so it lies in reach of a
 * real-mode lgdt.
 */
#define AP_TRAMPOLINE_ADDRESS 0x8000
#define CODE_SELECTOR 0x08
#define DATA_SELECTOR 0x10
#define AT(label) (AP_TRAMPOLINE_ADDRESS + ((label) - ap_trampoline_start))
#define OFFSET(label) ((label) - ap_trampoline_start)

    .section .rodata
    .globl ap_trampoline_start, ap_trampoline_end, ap_trampoline_stack, ap_trampoline_entry
    .balign 16
    .code16
ap_trampoline_start:
    cli
    cld
    mov %cs, %ax
    mov %ax, %ds
    lgdtl OFFSET(gdt_pointer)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $CODE_SELECTOR, $AT(protected_mode)

    .code32
protected_mode:
    mov $DATA_SELECTOR, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss
    mov AT(ap_trampoline_stack), %esp
    mov AT(ap_trampoline_entry), %eax
    call *%eax
1:
    cli
    hlt
    jmp 1b

    .balign 8
gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF        /* 0x08: code, base 0, limit 4 GiB, 32-bit */
    .quad 0x00CF92000000FFFF        /* 0x10: data, base 0, limit 4 GiB */
gdt_pointer:
    .word gdt_pointer - gdt - 1
    .long AT(gdt)
    .balign 4
ap_trampoline_stack:
    .long 0
ap_trampoline_entry:
    .long 0
ap_trampoline_end:

    .section .note.GNU-stack, "", @progbits
