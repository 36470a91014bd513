/*
 * The MC146818 RTC/CMOS at ports 0x70 (index) and 0x71 (data), as on a PC (Motorola MC146818A data sheet).
 * Register A bit 7 (UIP) is set while the clock updates its time registers, whose values may then be
 * inconsistent; register B bit 2 (DM) selects binary (1) or BCD (0) values.
 */
#ifndef CMOS_H
#define CMOS_H

#include <stdint.h>

#define CMOS_SECONDS 0x00
#define CMOS_STATUS_A 0x0A
#define CMOS_STATUS_B 0x0B
#define CMOS_STATUS_C 0x0C

/* One CMOS register (NMIs left enabled: bit 7 of the index clear). */
uint8_t cmos_read(uint8_t reg);

/* Writes one CMOS register. */
void cmos_write(uint8_t reg, uint8_t value);

/* The RTC's seconds (0-59), read outside an update cycle and converted from BCD when the clock counts in BCD. */
uint32_t rtc_seconds(void);

/*
 * Waits until the RTC's seconds change and returns the new value. With halt set it halts between looks, so
 * an interrupt (a timer tick) must come to wake it; otherwise it polls.
 */
uint32_t rtc_wait_for_next_second(int halt);

#endif
