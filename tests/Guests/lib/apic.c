#include "apic.h"

#define SPURIOUS_APIC_ENABLED 0x100u
#define IOAPIC_SELECT 0x00
#define IOAPIC_WINDOW 0x10
#define REDIRECTION_MASKED 0x00010000u

void lapic_enable(uint8_t spurious_vector)
{
    lapic_write(LAPIC_SPURIOUS, SPURIOUS_APIC_ENABLED | spurious_vector);
}

int lapic_send_ipi(uint8_t apic_id, uint32_t command)
{
    lapic_write(LAPIC_ICR_HIGH, (uint32_t)apic_id << 24);
    lapic_write(LAPIC_ICR_LOW, command);
    for (int i = 0; i < 100000; i++)
    {
        if ((lapic_read(LAPIC_ICR_LOW) & ICR_DELIVERY_PENDING) == 0)
            return 1;
        __asm__ volatile("pause");
    }
    return 0;
}

uint32_t ioapic_read(uint8_t reg)
{
    *(volatile uint32_t *)(IOAPIC_BASE + IOAPIC_SELECT) = reg;
    return *(volatile uint32_t *)(IOAPIC_BASE + IOAPIC_WINDOW);
}

void ioapic_write(uint8_t reg, uint32_t value)
{
    *(volatile uint32_t *)(IOAPIC_BASE + IOAPIC_SELECT) = reg;
    *(volatile uint32_t *)(IOAPIC_BASE + IOAPIC_WINDOW) = value;
}

/* 82093AA 3.2.4: each entry is two registers, 0x10 + 2 * pin (low: vector, modes, mask) and the next (high: destination in bits 63-56). */
void ioapic_route(uint8_t pin, uint8_t vector, uint8_t apic_id)
{
    uint8_t low = (uint8_t)(IOAPIC_REDIRECTION + 2 * pin);
    ioapic_write(low, REDIRECTION_MASKED | vector);
    ioapic_write((uint8_t)(low + 1), (uint32_t)apic_id << 24);
    ioapic_write(low, vector);
}

void ioapic_mask(uint8_t pin)
{
    uint8_t low = (uint8_t)(IOAPIC_REDIRECTION + 2 * pin);
    ioapic_write(low, ioapic_read(low) | REDIRECTION_MASKED);
}
