#include "cmos.h"
#include "probe.h"

#define CMOS_INDEX_PORT 0x70
#define CMOS_DATA_PORT 0x71
#define STATUS_A_UPDATE_IN_PROGRESS 0x80
#define STATUS_B_BINARY 0x04

uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX_PORT, reg & 0x7F);
    return inb(CMOS_DATA_PORT);
}

void cmos_write(uint8_t reg, uint8_t value)
{
    outb(CMOS_INDEX_PORT, reg & 0x7F);
    outb(CMOS_DATA_PORT, value);
}

uint32_t rtc_seconds(void)
{
    while (cmos_read(CMOS_STATUS_A) & STATUS_A_UPDATE_IN_PROGRESS)
        ;
    uint8_t value = cmos_read(CMOS_SECONDS);
    if (cmos_read(CMOS_STATUS_B) & STATUS_B_BINARY)
        return value;
    return (uint32_t)(value >> 4) * 10 + (value & 0x0F);
}

uint32_t rtc_wait_for_next_second(int halt)
{
    uint32_t start = rtc_seconds();
    for (;;)
    {
        if (halt)
            __asm__ volatile("sti; hlt; cli" ::: "memory");
        uint32_t now = rtc_seconds();
        if (now != start)
            return now;
    }
}
