/*
 * timer-interrupts: PIT channel 0 interrupts reach an IDT handler, at the rate programmed, through both paths a PC
 * has for IRQ 0, measured against the RTC's seconds:
 *  - pit-pic: the 8259A master (remapped to vectors 0x20-0x2F, only IRQ 0 unmasked, EOI to port 0x20), which KVM
 *    delivers to the BSP through its local APIC's LINT0 in ExtINT mode;
 *  - pit-ioapic: the I/O APIC, where a PC wires ISA IRQ 0 to input pin 2 (MP spec 5.1 default configurations; ACPI's
 *    interrupt source override), redirected to the BSP's local APIC with vector 0x30, the PICs masked, EOI to the
 *    local APIC.
 * Each path counts ticks over RATE_SECONDS RTC seconds, starting at a seconds edge; the guest halts between ticks.
 * "hz=N" on the command line programs N (10-1000) instead of 100.
 * Detail: "rate=N/s vector=0xV" (ticks a second, rounded down, and the vector that counted; 0xff if ticks also came
 * on another vector).
 */
#include "apic.h"
#include "cmos.h"
#include "multiboot.h"
#include "pic.h"
#include "pit.h"
#include "probe.h"

#define DEFAULT_HZ 100
#define RATE_SECONDS 2
#define ATTEMPTS 3
#define PIC_VECTOR 0x20
#define IOAPIC_VECTOR 0x30
#define SPURIOUS_VECTOR 0xFF
#define PIT_IOAPIC_PIN 2
/* The guest's own bounds (the host test asserts the same): a tick lost or gained at each RTC edge moves the count by one in 200, so
   +-5% leaves room for a loaded host delaying a halted vCPU's wakeup without hiding a wrong divisor or a doubled line. */
static uint32_t tick_hz = DEFAULT_HZ;
#define RATE_MIN (tick_hz * 95 / 100)
#define RATE_MAX (tick_hz * 105 / 100)

static volatile uint32_t ticks[256];

static void pic_tick(uint32_t vector)
{
    ticks[vector]++;
    pic_eoi(0);
}

static void lapic_tick(uint32_t vector)
{
    ticks[vector]++;
    lapic_eoi();
}

/* Ticks on vector, and on every other vector, while interrupts run for RATE_SECONDS RTC seconds from the next seconds edge. */
static void measure(uint32_t *counted, uint32_t *other, uint8_t vector)
{
    uint32_t before[256];
    rtc_wait_for_next_second(1);
    for (int v = 0; v < 256; v++)
        before[v] = ticks[v];
    for (int s = 0; s < RATE_SECONDS; s++)
        rtc_wait_for_next_second(1);
    *counted = ticks[vector] - before[vector];
    *other = 0;
    for (int v = 0; v < 256; v++)
        if (v != vector)
            *other += ticks[v] - before[v];
}

/*
 * Measures a path and reports it. A vCPU the host does not run for a while sees its ticks late (KVM's PIT queues
 * them and re-injects one per acknowledgement) and the window's end early, so it undercounts: once 162 of 200 here,
 * with a build running on the same two cores. Such a window is measured again, up to ATTEMPTS in all; a wrong divisor
 * or a misrouted line fails every one.
 */
static void measure_path(const char *name, uint8_t vector)
{
    uint32_t counted = 0, other = 0, rate = 0;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++)
    {
        measure(&counted, &other, vector);
        rate = counted / RATE_SECONDS;
        printf("INFO %s: %u ticks in %u RTC seconds (window %d), %u on other vectors\n", name, counted, RATE_SECONDS, attempt, other);
        if (rate >= RATE_MIN && rate <= RATE_MAX && other == 0)
            break;
    }
    check(rate >= RATE_MIN && rate <= RATE_MAX && other == 0, name, "rate=%u/s vector=0x%x", rate, other ? 0xFFu : vector);
}

/* N from "hz=N" in the command line, or 0. */
static uint32_t hz_from_cmdline(const struct multiboot_info *info)
{
    if (!(info->flags & MULTIBOOT_INFO_CMDLINE) || info->cmdline == 0)
        return 0;
    for (const char *p = (const char *)info->cmdline; *p; p++)
    {
        if ((p == (const char *)info->cmdline || p[-1] == ' ') && p[0] == 'h' && p[1] == 'z' && p[2] == '=')
        {
            uint32_t value = 0;
            for (p += 3; *p >= '0' && *p <= '9' && value < 100000; p++)
                value = value * 10 + (uint32_t)(*p - '0');
            return value;
        }
    }
    return 0;
}

void probe_main(uint32_t magic, uint32_t info_address)
{
    (void)magic;
    uint32_t asked = hz_from_cmdline((const struct multiboot_info *)info_address);
    if (asked)
    {
        if (!check(asked >= 10 && asked <= 1000, "hz", "%u", asked))
            return;
        tick_hz = asked;
    }
    idt_init();
    idt_set_handler(PIC_VECTOR, pic_tick);
    idt_set_handler(IOAPIC_VECTOR, lapic_tick);

    uint16_t divisor = pit_start_periodic(tick_hz);
    printf("INFO pit divisor %u (%u.%02u Hz)\n", divisor, PIT_HZ / divisor, (PIT_HZ % divisor) * 100 / divisor);

    /* Through the 8259A: IRQ 0 only. */
    pic_remap(PIC_VECTOR, PIC_VECTOR + 8);
    pic_set_mask(0xFFFE);
    measure_path("pit-pic", PIC_VECTOR);

    /* Through the I/O APIC: every PIC input masked, pin 2 to this CPU's local APIC. */
    pic_set_mask(0xFFFF);
    lapic_enable(SPURIOUS_VECTOR);
    ioapic_route(PIT_IOAPIC_PIN, IOAPIC_VECTOR, lapic_id());
    measure_path("pit-ioapic", IOAPIC_VECTOR);
    ioapic_mask(PIT_IOAPIC_PIN);
}
