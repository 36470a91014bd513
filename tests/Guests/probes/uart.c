/*
 * uart: COM1 as Linux's 8250 driver probes and uses it (TI/National PC16550D datasheet): the loopback autodetection
 * (MCR 0x1a reads MSR inputs 0x90), the FIFOs reported in IIR bits 6-7, bytes transmitted in loopback received in
 * order, the 16-byte receive FIFO overrunning at the 17th byte with LSR.OE, the divisor latch and scratch register
 * keeping their values, and THRE reported in IIR when ETBEI is enabled and cleared by reading IIR.
 * With "irq" on the command line it also takes COM1's THRE interrupt through the 8259 PIC (IRQ 4 at vector 0x24),
 * which needs the backend's interrupt controller.
 * The library prints on COM1 too, so everything in loopback is measured first and reported after MCR is restored.
 */
#include "multiboot.h"
#include "probe.h"

#define UART_DATA (COM1_PORT + 0)
#define UART_IER (COM1_PORT + 1)
#define UART_IIR (COM1_PORT + 2)
#define UART_FCR (COM1_PORT + 2)
#define UART_LCR (COM1_PORT + 3)
#define UART_MCR (COM1_PORT + 4)
#define UART_LSR (COM1_PORT + 5)
#define UART_MSR (COM1_PORT + 6)
#define UART_SCR (COM1_PORT + 7)

#define IER_THRI 0x02
#define FCR_ENABLE_RESET 0x07
#define LCR_DLAB 0x80
#define MCR_DTR_RTS_OUT2 0x0b
#define MCR_LOOP_RTS_OUT2 0x1a
#define LSR_DR 0x01
#define LSR_OE 0x02

#define PIC1_COMMAND 0x20
#define PIC1_DATA 0x21
#define PIC2_COMMAND 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20
#define COM1_IRQ 4
#define COM1_VECTOR (0x20 + COM1_IRQ)

static volatile uint32_t interrupts;
static volatile uint8_t iir_in_handler;

static void loopback_checks(void)
{
    uint8_t saved_mcr = inb(UART_MCR);
    outb(UART_MCR, MCR_LOOP_RTS_OUT2);
    uint8_t msr = inb(UART_MSR) & 0xf0;

    outb(UART_FCR, FCR_ENABLE_RESET);
    uint8_t iir = inb(UART_IIR);

    static const char text[] = "16550A";
    for (uint32_t i = 0; i < sizeof text - 1; i++)
        outb(UART_DATA, (uint8_t)text[i]);
    char received[16];
    uint32_t count = 0;
    while ((inb(UART_LSR) & LSR_DR) && count < sizeof received - 1)
        received[count++] = (char)inb(UART_DATA);
    received[count] = 0;

    for (uint32_t i = 0; i < 17; i++)
        outb(UART_DATA, (uint8_t)i);
    uint8_t lsr = inb(UART_LSR);
    uint32_t kept = 0, in_order = 1;
    while ((inb(UART_LSR) & LSR_DR) && kept < 64)
    {
        if (inb(UART_DATA) != kept)
            in_order = 0;
        kept++;
    }

    outb(UART_FCR, 0);
    outb(UART_MCR, saved_mcr);

    check(msr == 0x90, "loopback-msr", "0x%x", msr);
    check((iir >> 6) == 3, "fifos-enabled", "iir=0x%x", iir);
    check(strcmp(received, text) == 0, "loopback-data", "%s", received);
    check((lsr & (LSR_OE | LSR_DR)) == (LSR_OE | LSR_DR), "overrun", "lsr=0x%x", lsr);
    check(kept == 16 && in_order, "fifo-depth", "%u", kept);
}

static void register_checks(void)
{
    uint8_t lcr = inb(UART_LCR);
    outb(UART_LCR, lcr | LCR_DLAB);
    uint8_t saved_low = inb(UART_DATA), saved_high = inb(UART_IER);
    outb(UART_DATA, 0x01);
    outb(UART_IER, 0x00);
    uint8_t low = inb(UART_DATA), high = inb(UART_IER);
    outb(UART_DATA, saved_low);
    outb(UART_IER, saved_high);
    outb(UART_LCR, lcr);
    check(low == 1 && high == 0, "divisor-latch", "%u", (uint32_t)(high << 8 | low));

    outb(UART_SCR, 0x5a);
    uint8_t scratch = inb(UART_SCR);
    check(scratch == 0x5a, "scratch", "0x%x", scratch);

    outb(UART_IER, 0);
    inb(UART_IIR);
    outb(UART_IER, IER_THRI);
    uint8_t first = inb(UART_IIR), second = inb(UART_IIR);
    outb(UART_IER, 0);
    check((first & 0x0f) == 0x02 && (second & 0x0f) == 0x01, "thre-iir", "0x%x then 0x%x", first, second);
}

static void com1_handler(uint32_t vector)
{
    (void)vector;
    iir_in_handler = inb(UART_IIR);
    /* Stop THRE from coming back; the next interrupt is asked for by enabling it again. */
    outb(UART_IER, 0);
    interrupts++;
    outb(PIC1_COMMAND, PIC_EOI);
}

/* Two THRE interrupts, each from enabling ETBEI with the holding register empty, delivered through the PIC. */
static void interrupt_checks(void)
{
    outb(PIC1_COMMAND, 0x11);            /* ICW1: edge, cascade, ICW4 */
    outb(PIC2_COMMAND, 0x11);
    outb(PIC1_DATA, 0x20);               /* ICW2: vectors 0x20-0x27, 0x28-0x2f */
    outb(PIC2_DATA, 0x28);
    outb(PIC1_DATA, 0x04);               /* ICW3: slave on IRQ 2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01);               /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, (uint8_t)~(1u << COM1_IRQ));
    outb(PIC2_DATA, 0xff);

    idt_init();
    idt_set_handler(COM1_VECTOR, com1_handler);
    uint8_t saved_mcr = inb(UART_MCR);
    outb(UART_MCR, MCR_DTR_RTS_OUT2);
    interrupts_enable();
    for (uint32_t round = 1; round <= 2; round++)
    {
        outb(UART_IER, IER_THRI);
        for (uint32_t spin = 0; spin < 100000 && interrupts < round; spin++)
            __asm__ volatile("pause");
    }
    interrupts_disable();
    outb(UART_IER, 0);
    outb(UART_MCR, saved_mcr);
    check(interrupts == 2 && (iir_in_handler & 0x0f) == 0x02, "thre-interrupt", "count=%u iir=0x%x", interrupts, iir_in_handler);
}

static int cmdline_has(const struct multiboot_info *info, const char *word)
{
    if (!(info->flags & MULTIBOOT_INFO_CMDLINE) || info->cmdline == 0)
        return 0;
    return ends_with((const char *)info->cmdline, word);
}

void probe_main(uint32_t magic, uint32_t info_address)
{
    (void)magic;
    loopback_checks();
    register_checks();
    if (cmdline_has((const struct multiboot_info *)info_address, "irq"))
        interrupt_checks();
}
