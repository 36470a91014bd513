/*
 * The local APIC at its default base 0xFEE00000 (Intel SDM Vol. 3A 10.4) and the I/O APIC at 0xFEC00000 (82093AA
 * data sheet), both as memory-mapped registers; probes run with paging off, so these are physical addresses.
 */
#ifndef APIC_H
#define APIC_H

#include <stdint.h>

#define LAPIC_BASE 0xFEE00000u
#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_EOI 0x0B0
#define LAPIC_SPURIOUS 0x0F0
#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310

/* ICR low (SDM Vol. 3A 10.6.1, Figure 10-12): delivery mode (bits 10-8), level assert (bit 14), trigger level (bit 15). */
#define ICR_INIT 0x00000500u
#define ICR_STARTUP 0x00000600u
#define ICR_LEVEL_ASSERT 0x00004000u
#define ICR_DELIVERY_PENDING 0x00001000u

#define IOAPIC_BASE 0xFEC00000u
#define IOAPIC_VERSION 0x01
#define IOAPIC_REDIRECTION 0x10

static inline uint32_t lapic_read(uint32_t reg) { return *(volatile uint32_t *)(LAPIC_BASE + reg); }
static inline void lapic_write(uint32_t reg, uint32_t value) { *(volatile uint32_t *)(LAPIC_BASE + reg) = value; }

/* This CPU's local APIC id (ID register bits 31-24). */
static inline uint8_t lapic_id(void) { return (uint8_t)(lapic_read(LAPIC_ID) >> 24); }

/* Software-enables the local APIC (spurious-interrupt vector register bit 8) with the given spurious vector. */
void lapic_enable(uint8_t spurious_vector);

/* End of interrupt for the one in service. */
static inline void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }

/* Sends an IPI (command = ICR low bits) to the physical APIC id; returns 0 if delivery stayed pending too long. */
int lapic_send_ipi(uint8_t apic_id, uint32_t command);

uint32_t ioapic_read(uint8_t reg);
void ioapic_write(uint8_t reg, uint32_t value);

/* Routes I/O APIC input pin to vector on the CPU with apic_id: fixed delivery, physical destination, edge triggered, active high, unmasked. */
void ioapic_route(uint8_t pin, uint8_t vector, uint8_t apic_id);

/* Masks the pin's redirection entry. */
void ioapic_mask(uint8_t pin);

#endif
