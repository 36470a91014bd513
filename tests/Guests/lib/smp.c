#include "smp.h"
#include "probe.h"

extern char ap_trampoline_start[], ap_trampoline_end[], ap_trampoline_stack[], ap_trampoline_entry[];

void ap_trampoline_install(void (*entry)(void), void *stack_top)
{
    char *copy = (char *)AP_TRAMPOLINE_ADDRESS;
    memcpy(copy, ap_trampoline_start, (uint32_t)(ap_trampoline_end - ap_trampoline_start));
    *(volatile uint32_t *)(copy + (ap_trampoline_stack - ap_trampoline_start)) = (uint32_t)stack_top;
    *(volatile uint32_t *)(copy + (ap_trampoline_entry - ap_trampoline_start)) = (uint32_t)entry;
}
