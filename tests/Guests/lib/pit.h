/*
 * The 8254 programmable interval timer at 0x40-0x43, clocked at 1.193182 MHz (Intel 8254 data sheet), and the
 * PC's port 0x61 that gates channel 2 (bit 0) and reads its output (bit 5).
 */
#ifndef PIT_H
#define PIT_H

#include <stdint.h>

#define PIT_HZ 1193182u

/* Channel 0 in mode 2 (rate generator) at about hz interrupts a second on IRQ 0; returns the divisor loaded. */
uint16_t pit_start_periodic(uint32_t hz);

/* Busy-waits microseconds (at most 54000) on channel 2 in mode 0, polling its output through port 0x61. */
void pit_delay_us(uint32_t microseconds);

/*
 * Waits about microseconds (at most 54000) and returns how many TSC ticks a microsecond took (0 if the TSC ran more
 * than 2^32 ticks): channel 2's count latched at both ends with the TSC read around each latch, so what the wait
 * overshoots is measured, not guessed. A vCPU descheduled between a latch and its TSC reads still skews one result:
 * take the median of a few.
 */
uint32_t pit_measure_tsc_per_us(uint32_t microseconds);

/* The time-stamp counter. */
static inline uint64_t rdtsc(void)
{
    uint32_t low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return ((uint64_t)high << 32) | low;
}

#endif
