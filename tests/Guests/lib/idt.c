#include "probe.h"

/* Intel SDM Vol. 3A 6.11: a 32-bit interrupt gate (type 0xE, present, DPL 0) to a flat code selector. */
#define CODE_SELECTOR 0x08
#define INTERRUPT_GATE 0x8E
#define STUB_SIZE 16

struct gate
{
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type;
    uint16_t offset_high;
} __attribute__((packed));

struct idt_pointer
{
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

extern char interrupt_stubs[];

static struct gate idt[256] __attribute__((aligned(8)));
static interrupt_handler handlers[256];

void idt_init(void)
{
    for (int vector = 0; vector < 256; vector++)
    {
        uint32_t stub = (uint32_t)interrupt_stubs + (uint32_t)vector * STUB_SIZE;
        idt[vector].offset_low = (uint16_t)stub;
        idt[vector].selector = CODE_SELECTOR;
        idt[vector].zero = 0;
        idt[vector].type = INTERRUPT_GATE;
        idt[vector].offset_high = (uint16_t)(stub >> 16);
    }
    idt_load();
}

void idt_load(void)
{
    struct idt_pointer pointer = { sizeof idt - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(pointer));
}

void idt_set_handler(uint8_t vector, interrupt_handler handler)
{
    handlers[vector] = handler;
}

/* Called by interrupts.S for vectors 32-255 with interrupts off; an unexpected vector is a failure, reported once. */
void interrupt_dispatch(uint32_t vector)
{
    static uint8_t reported[256];
    if (handlers[vector])
    {
        handlers[vector](vector);
        return;
    }
    if (!reported[vector])
    {
        reported[vector] = 1;
        fail("unexpected-interrupt", "vector %u", vector);
    }
}

/* Vectors 8, 10-14, 17, 21, 29 and 30 push an error code (SDM Vol. 3A 6.13). */
static int has_error_code(uint32_t vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30;
}

/* Called by interrupts.S with the stack as the stub left it: vector, [error code,] EIP, CS, EFLAGS. */
void exception_report(uint32_t *frame)
{
    uint32_t vector = frame[0];
    uint32_t error = has_error_code(vector) ? frame[1] : 0;
    uint32_t eip = frame[has_error_code(vector) ? 2 : 1];
    fail("exception", "vector %u error 0x%x at eip 0x%08x", vector, error, eip);
    printf("DONE %d failed\n", probe_failures());
    debug_exit(PROBE_EXIT_FAILED);
}
