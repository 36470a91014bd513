/*
 * Starting application processors: a real-mode trampoline the BSP copies below 1 MiB, where a startup IPI
 * (SIPI) with vector V starts an AP in real mode at segment V << 8, offset 0, that is at physical address V << 12
 * (Intel SDM Vol. 3A 8.4.4.1, 10.6.1). The trampoline switches the AP to 32-bit protected mode with a GDT laid out as the
 * probe's own (code 0x08, data 0x10), loads the stack the BSP gave it and calls the entry function.
 */
#ifndef SMP_H
#define SMP_H

#include <stdint.h>

/* Where the trampoline goes: page 8 (free low memory: the multiboot loader puts nothing below 1 MiB). */
#define AP_TRAMPOLINE_ADDRESS 0x8000u
#define AP_TRAMPOLINE_SIPI_VECTOR (AP_TRAMPOLINE_ADDRESS >> 12)

/* Copies the trampoline to AP_TRAMPOLINE_ADDRESS; the next AP started runs entry on the stack ending at stack_top. entry must not return. */
void ap_trampoline_install(void (*entry)(void), void *stack_top);

#endif
