#include "pit.h"
#include "probe.h"

#define PIT_CHANNEL0 0x40
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
/* Control word: channel (bits 7-6), access lobyte/hibyte (bits 5-4 = 11), mode (bits 3-1), binary. */
#define PIT_CHANNEL0_MODE2 0x34
#define PIT_CHANNEL2_MODE0 0xB0
#define PIT_CHANNEL2_LATCH 0x80
#define PORT_61 0x61
#define PORT_61_GATE2 0x01
#define PORT_61_SPEAKER 0x02
#define PORT_61_OUT2 0x20

uint16_t pit_start_periodic(uint32_t hz)
{
    uint32_t divisor = (PIT_HZ + hz / 2) / hz;
    if (divisor > 0xFFFF)
        divisor = 0xFFFF;
    outb(PIT_COMMAND, PIT_CHANNEL0_MODE2);
    outb(PIT_CHANNEL0, (uint8_t)divisor);
    outb(PIT_CHANNEL0, (uint8_t)(divisor >> 8));
    return (uint16_t)divisor;
}

/* 1.193182 PIT ticks a microsecond, as 4773/4000 (within 0.01%) so the product stays in 32 bits without libgcc's division. */
static uint32_t pit_ticks(uint32_t microseconds)
{
    if (microseconds > 54000)
        microseconds = 54000;
    uint32_t count = microseconds * 4773u / 4000u;
    return count ? count : 1;
}

/* Gate low (counting stops), speaker off; count loaded in mode 0; the rising gate starts it, and OUT2 goes high at zero. Returns port 0x61's other bits. */
static uint8_t channel2_start(uint16_t count)
{
    uint8_t port61 = inb(PORT_61) & (uint8_t)~(PORT_61_GATE2 | PORT_61_SPEAKER);
    outb(PORT_61, port61);
    outb(PIT_COMMAND, PIT_CHANNEL2_MODE0);
    outb(PIT_CHANNEL2, (uint8_t)count);
    outb(PIT_CHANNEL2, (uint8_t)(count >> 8));
    outb(PORT_61, port61 | PORT_61_GATE2);
    return port61;
}

/* Latches and reads channel 2's count; *tsc is the TSC halfway between the reads around the latch (an I/O exit each). */
static uint16_t channel2_count(uint64_t *tsc)
{
    uint64_t before = rdtsc();
    outb(PIT_COMMAND, PIT_CHANNEL2_LATCH);
    uint64_t after = rdtsc();
    *tsc = before + ((after - before) >> 1);
    uint8_t low = inb(PIT_CHANNEL2);
    return (uint16_t)(low | (inb(PIT_CHANNEL2) << 8));
}

void pit_delay_us(uint32_t microseconds)
{
    uint8_t port61 = channel2_start((uint16_t)pit_ticks(microseconds));
    while ((inb(PORT_61) & PORT_61_OUT2) == 0)
        ;
    outb(PORT_61, port61);
}

uint32_t pit_measure_tsc_per_us(uint32_t microseconds)
{
    uint32_t wanted = pit_ticks(microseconds);
    uint8_t port61 = channel2_start(0xFFFF);
    uint64_t start_tsc, end_tsc;
    uint16_t start = channel2_count(&start_tsc), end;
    do
        end = channel2_count(&end_tsc);
    while ((uint16_t)(start - end) < wanted);
    outb(PORT_61, port61);
    /* elapsed us = PIT ticks * 4000 / 4773 (at most 54925); TSC per us = TSC ticks / elapsed, in 32 bits (no libgcc). */
    uint32_t elapsed_us = (uint32_t)(uint16_t)(start - end) * 4000u / 4773u;
    uint64_t tsc_ticks = end_tsc - start_tsc;
    if (tsc_ticks >> 32)
        return 0;
    return (uint32_t)tsc_ticks / (elapsed_us ? elapsed_us : 1);
}
