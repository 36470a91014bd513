/*
 * interrupt-return: the probe library's interrupt stubs and their iret-free return path (see lib/interrupts.S).
 * This KVM cannot emulate a software `int n` in 32-bit protected mode either, so the probe builds the frame a
 * 32-bit interrupt gate pushes (EFLAGS, CS, EIP, with IF then cleared) itself and calls the vector's stub: the
 * handler must run, and the return must land on the next instruction with EFLAGS, ESP and the registers as they
 * were. Interrupts delivered by the hardware take the same path (the PIT and APIC probes exercise that).
 */
#include "probe.h"

#define TEST_VECTOR 0x40
#define EFLAGS_CF 0x001u
#define EFLAGS_IF 0x200u

extern char interrupt_stubs[];

static volatile uint32_t calls;
static volatile uint32_t flags_inside;

static void handler(uint32_t vector)
{
    uint32_t flags;
    __asm__ volatile("pushf; pop %0" : "=r"(flags));
    flags_inside = flags;
    calls += vector == TEST_VECTOR ? 1 : 1000;
}

/* Raises the test vector with CF and IF as given; returns EFLAGS after the return, and whether ESP and EBX survived. */
static uint32_t raise(uint32_t set_flags, int *stack_kept, int *register_kept)
{
    uint32_t flags_after, esp_before, esp_after, ebx_after;
    __asm__ volatile(
        /* EFLAGS = exactly the flags asked for (bit 1 is always set): whatever arithmetic ran before (PF from the
           stack pointer's low byte, say) must not leak into the flags the test compares. */
        "pushl $0x2\n\t"
        "orl %[set], (%%esp)\n\t"
        "popf\n\t"
        "mov %%esp, %[before]\n\t"
        "mov $0x12345678, %%ebx\n\t"
        /* What the gate does: push EFLAGS, CS and EIP, clear IF, jump to the handler. */
        "pushf\n\t"
        "push %%cs\n\t"
        "cli\n\t"
        "call *%[stub]\n\t"
        "mov %%esp, %[after]\n\t"
        "mov %%ebx, %[ebx]\n\t"
        "pushf\n\t"
        "pop %[flags]\n\t"
        "cli\n\t"
        "clc\n\t"
        : [flags] "=&r"(flags_after), [before] "=&r"(esp_before), [after] "=&r"(esp_after), [ebx] "=&r"(ebx_after)
        : [set] "ri"(set_flags), [stub] "r"(interrupt_stubs + TEST_VECTOR * 16)
        : "ebx", "cc", "memory");
    *stack_kept = esp_before == esp_after;
    *register_kept = ebx_after == 0x12345678;
    return flags_after;
}

void probe_main(uint32_t magic, uint32_t info_address)
{
    (void)magic;
    (void)info_address;
    /* Loads the IDT as a probe taking real interrupts would; the stubs are called directly below. */
    idt_init();
    idt_set_handler(TEST_VECTOR, handler);

    int stack_kept, register_kept;
    uint32_t flags = raise(EFLAGS_CF, &stack_kept, &register_kept);
    check(calls == 1, "handler-called", "calls=%u", calls);
    check((flags_inside & EFLAGS_IF) == 0, "handler-runs-with-if-clear", "eflags inside=0x%x", flags_inside);
    check((flags & EFLAGS_CF) && !(flags & EFLAGS_IF), "flags-restored", "eflags after=0x%x", flags);
    check(stack_kept && register_kept, "frame-restored", "esp %s, ebx %s", stack_kept ? "kept" : "moved", register_kept ? "kept" : "lost");

    flags = raise(EFLAGS_IF, &stack_kept, &register_kept);
    check(calls == 2 && (flags & EFLAGS_IF) && !(flags & EFLAGS_CF), "if-restored", "calls=%u eflags after=0x%x", calls, flags);
    check(stack_kept && register_kept, "frame-restored-with-if", "esp %s, ebx %s", stack_kept ? "kept" : "moved", register_kept ? "kept" : "lost");
}
