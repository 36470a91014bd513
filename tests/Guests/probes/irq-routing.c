/*
 * irq-routing: ISA interrupts other than the timer reach the CPU where a PC wires them, on KVM's in-kernel
 * interrupt controllers, through the two paths a PC has:
 *  - rtc-pic: the RTC's periodic interrupt, IRQ 8, through the slave 8259A and the cascade on the master's IRQ 2
 *    (vector 0x28 with the slave at 0x28), EOI to both controllers;
 *  - rtc-ioapic: IRQ 8 on I/O APIC pin 8 (ISA IRQs other than 0 keep their number as pins), vector 0x38;
 *  - uart-ioapic: COM1's transmitter-empty interrupt, IRQ 4, on I/O APIC pin 4, vector 0x34 (MCR.OUT2 gates the
 *    16550's interrupt onto the line; PC16550D datasheet, MCR bit 3). The same interrupt through the PIC is the
 *    uart probe's.
 * Each path waits (interrupts on, polling the PIT for at most a second) for COUNT interrupts of its vector and no
 * other. The RTC's periodic rate is 64 Hz (register A rate select 10); each handler reads register C, which
 * acknowledges the RTC and lowers its line. Detail: "vector=0xV count=N".
 */
#include "apic.h"
#include "cmos.h"
#include "pic.h"
#include "pit.h"
#include "probe.h"

#define PIC_BASE 0x20
#define RTC_PIC_VECTOR (PIC_BASE + 8)
#define RTC_IOAPIC_VECTOR 0x38
#define UART_IOAPIC_VECTOR 0x34
#define SPURIOUS_VECTOR 0xFF
#define RTC_IRQ 8
#define UART_IRQ 4
#define COUNT 4
#define TIMEOUT_MS 1000

/* MC146818 register A: divider 010 (32.768 kHz time base), rate select 1010 (64 Hz); register B bit 6: PIE. */
#define RTC_A_64HZ 0x2A
#define RTC_B_PERIODIC 0x40

#define UART_IER (COM1_PORT + 1)
#define UART_IIR (COM1_PORT + 2)
#define UART_MCR (COM1_PORT + 4)
#define IER_THRI 0x02
#define MCR_DTR_RTS_OUT2 0x0B

static volatile uint32_t counts[256];
static volatile uint8_t uart_iir;
static int use_lapic;

static void acknowledge(uint8_t irq)
{
    if (use_lapic)
        lapic_eoi();
    else
        pic_eoi(irq);
}

static void rtc_handler(uint32_t vector)
{
    counts[vector]++;
    cmos_read(CMOS_STATUS_C);
    acknowledge(RTC_IRQ);
}

/* THRE fires once per enable; the handler reads IIR (THRE pending) and disables it, as the uart probe does. */
static void uart_handler(uint32_t vector)
{
    counts[vector]++;
    uart_iir = inb(UART_IIR);
    outb(UART_IER, 0);
    acknowledge(UART_IRQ);
}

/* Waits with interrupts on until vector has counted wanted interrupts or TIMEOUT_MS passed (on the PIT); returns what counted elsewhere. */
static uint32_t wait_for(uint8_t vector, uint32_t wanted, void (*again)(void))
{
    uint32_t before[256];
    for (int v = 0; v < 256; v++)
        before[v] = counts[v];
    interrupts_enable();
    for (int ms = 0; ms < TIMEOUT_MS && counts[vector] - before[vector] < wanted; ms++)
    {
        if (again)
            again();
        pit_delay_us(1000);
    }
    interrupts_disable();
    uint32_t other = 0;
    for (int v = 0; v < 256; v++)
        if (v != vector)
            other += counts[v] - before[v];
    return other;
}

static void rtc_start(void)
{
    cmos_write(CMOS_STATUS_A, RTC_A_64HZ);
    cmos_write(CMOS_STATUS_B, (uint8_t)(cmos_read(CMOS_STATUS_B) | RTC_B_PERIODIC));
    cmos_read(CMOS_STATUS_C);
}

static void rtc_stop(void)
{
    cmos_write(CMOS_STATUS_B, (uint8_t)(cmos_read(CMOS_STATUS_B) & ~RTC_B_PERIODIC));
    cmos_read(CMOS_STATUS_C);
}

/* Re-enables THRE while fewer than COUNT came: each enable with the holding register empty is one interrupt. */
static void uart_enable_thre(void)
{
    if (!(inb(UART_IER) & IER_THRI))
        outb(UART_IER, IER_THRI);
}

static void report(const char *name, uint8_t vector, uint32_t start, uint32_t other)
{
    uint32_t counted = counts[vector] - start;
    check(counted >= COUNT && other == 0, name, "vector=0x%x count=%u", vector, counted >= COUNT ? COUNT : counted);
    if (other)
        printf("INFO %s: %u interrupts on other vectors\n", name, other);
}

void probe_main(uint32_t magic, uint32_t info_address)
{
    (void)magic;
    (void)info_address;
    idt_init();
    idt_set_handler(RTC_PIC_VECTOR, rtc_handler);
    idt_set_handler(RTC_IOAPIC_VECTOR, rtc_handler);
    idt_set_handler(UART_IOAPIC_VECTOR, uart_handler);

    /* Through the 8259A pair: IRQ 8 on the slave, the cascade (IRQ 2) open on the master. */
    pic_remap(PIC_BASE, PIC_BASE + 8);
    pic_set_mask((uint16_t)~((1u << RTC_IRQ) | (1u << 2)));
    uint32_t start = counts[RTC_PIC_VECTOR];
    rtc_start();
    uint32_t other = wait_for(RTC_PIC_VECTOR, COUNT, 0);
    rtc_stop();
    report("rtc-pic", RTC_PIC_VECTOR, start, other);

    /* Through the I/O APIC, the PICs masked. */
    pic_set_mask(0xFFFF);
    lapic_enable(SPURIOUS_VECTOR);
    use_lapic = 1;
    uint8_t bsp = lapic_id();
    ioapic_route(RTC_IRQ, RTC_IOAPIC_VECTOR, bsp);
    start = counts[RTC_IOAPIC_VECTOR];
    rtc_start();
    other = wait_for(RTC_IOAPIC_VECTOR, COUNT, 0);
    rtc_stop();
    ioapic_mask(RTC_IRQ);
    report("rtc-ioapic", RTC_IOAPIC_VECTOR, start, other);

    /* COM1 prints by polling with IER 0; nothing is printed while THRE interrupts are on. */
    ioapic_route(UART_IRQ, UART_IOAPIC_VECTOR, bsp);
    uint8_t saved_mcr = inb(UART_MCR);
    outb(UART_MCR, MCR_DTR_RTS_OUT2);
    start = counts[UART_IOAPIC_VECTOR];
    other = wait_for(UART_IOAPIC_VECTOR, COUNT, uart_enable_thre);
    outb(UART_IER, 0);
    outb(UART_MCR, saved_mcr);
    ioapic_mask(UART_IRQ);
    report("uart-ioapic", UART_IOAPIC_VECTOR, start, other);
    check((uart_iir & 0x0F) == 0x02, "uart-iir", "0x%x", uart_iir);
}
