/*
 * cmos: the MC146818 RTC and CMOS as a kernel reads them (Motorola MC146818A datasheet; Linux's
 * mc146818_get_time): the time read after UIP clears and re-read until two reads agree, in BCD or binary and 12
 * or 24 hours as register B says, printed for the host to compare with its own clock; register D's valid-RAM bit;
 * UIP rising before an update and the update-ended flag set once it falls; the NMI mask bit leaving the index alone; and
 * the memory-size bytes SeaBIOS reads.
 */
#include "probe.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define NMI_MASK 0x80

#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_A 0x0a
#define RTC_B 0x0b
#define RTC_C 0x0c
#define RTC_D 0x0d
#define RTC_CENTURY 0x32
#define A_UIP 0x80
#define B_BINARY 0x04
#define B_24H 0x02
#define C_UF 0x10
#define D_VRT 0x80
#define HOURS_PM 0x80

static uint8_t cmos_read(uint8_t index)
{
    outb(CMOS_INDEX, index);
    return inb(CMOS_DATA);
}

static unsigned from_bcd(uint8_t value, int binary) { return binary ? value : (value >> 4) * 10u + (value & 0x0fu); }

void probe_main(uint32_t magic, uint32_t info_address)
{
    (void)magic;
    (void)info_address;

    uint8_t d = cmos_read(RTC_D);
    check((d & D_VRT) != 0, "valid-ram", "0x%x", d);

    uint8_t b = cmos_read(RTC_B), second, minute, hours, day, month, year, century;
    do
    {
        while (cmos_read(RTC_A) & A_UIP)
            ;
        second = cmos_read(RTC_SECONDS);
        minute = cmos_read(RTC_MINUTES);
        hours = cmos_read(RTC_HOURS);
        day = cmos_read(RTC_DAY);
        month = cmos_read(RTC_MONTH);
        year = cmos_read(RTC_YEAR);
        century = cmos_read(RTC_CENTURY);
    } while (second != cmos_read(RTC_SECONDS));
    int binary = (b & B_BINARY) != 0;
    unsigned hour = from_bcd(hours & (uint8_t)~HOURS_PM, binary);
    if (!(b & B_24H))
        hour = hour % 12 + ((hours & HOURS_PM) ? 12 : 0);
    pass("time", "%04u-%02u-%02uT%02u:%02u:%02u", from_bcd(century, binary) * 100 + from_bcd(year, binary),
        from_bcd(month, binary), from_bcd(day, binary), hour, from_bcd(minute, binary), from_bcd(second, binary));

    /* UIP rises in the 244 us before the next update (within a second); when it falls, UF is set. Register A stays
       selected, so each poll is a single port read. A host that deschedules the vCPU for the whole 244 us window
       (a loaded machine) makes the poll miss it while UF still comes: that update is not evidence either way, so
       the probe watches up to three updates before it reports UIP as never seen. */
    uint32_t spins = 0;
    int uip_seen = 0;
    uint8_t c = 0;
    for (int attempt = 0; attempt < 3 && !uip_seen; attempt++) {
        cmos_read(RTC_C);
        outb(CMOS_INDEX, RTC_A);
        uint32_t limit = spins + 2000000;
        while (!(inb(CMOS_DATA) & A_UIP) && spins < limit)
            spins++;
        uip_seen = spins < limit;
        while ((inb(CMOS_DATA) & A_UIP) && spins < limit + 2000000)
            spins++;
        c = cmos_read(RTC_C);
    }
    check(uip_seen && (c & C_UF), "update-ended", "uip-seen=%d c=0x%x", uip_seen, c & C_UF);
    printf("INFO %u polls of register A\n", spins);

    outb(CMOS_INDEX, NMI_MASK | RTC_D);
    uint8_t masked = inb(CMOS_DATA);
    check(masked == d, "nmi-mask-index", "0x%x", masked);

    pass("base-memory", "%u", cmos_read(0x15) | (cmos_read(0x16) << 8));
    pass("extended-memory", "%u %u", cmos_read(0x17) | (cmos_read(0x18) << 8), cmos_read(0x30) | (cmos_read(0x31) << 8));
    pass("memory-above-16m", "%u", cmos_read(0x34) | (cmos_read(0x35) << 8));
}
