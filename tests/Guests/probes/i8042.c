/*
 * i8042: the PC keyboard controller as Linux's i8042 and atkbd drivers probe it (OSDev "8042 PS/2 Controller"):
 * flush, the controller self test (0xAA -> 0x55, system flag set), the command byte read and written back, the
 * keyboard and aux interface tests, the aux loopback (0xD3) with the aux output buffer bit, and the keyboard's
 * reset and identify answered through port 0x60. With "irq" on the command line, identify's three bytes arrive by
 * IRQ 1 through the 8259 PIC (vector 0x21), one interrupt per byte.
 */
#include "multiboot.h"
#include "probe.h"

#define KBC_DATA 0x60
#define KBC_STATUS 0x64
#define KBC_COMMAND 0x64
#define STATUS_OBF 0x01
#define STATUS_SYS 0x04
#define STATUS_AUX 0x20
#define CTR_KBDINT 0x01
#define CTR_XLATE 0x40

#define PIC1_COMMAND 0x20
#define PIC1_DATA 0x21
#define PIC2_COMMAND 0xa0
#define PIC2_DATA 0xa1
#define KEYBOARD_IRQ 1
#define KEYBOARD_VECTOR (0x20 + KEYBOARD_IRQ)

static volatile uint32_t interrupts;
static volatile uint8_t interrupt_bytes[8];

/* The next output byte, or -1 if none arrives in a while. */
static int read_byte(void)
{
    for (uint32_t spin = 0; spin < 100000; spin++)
    {
        if (inb(KBC_STATUS) & STATUS_OBF)
            return inb(KBC_DATA);
    }
    return -1;
}

static int command(uint8_t value)
{
    outb(KBC_COMMAND, value);
    return read_byte();
}

static void flush(void)
{
    for (int i = 0; i < 16 && (inb(KBC_STATUS) & STATUS_OBF); i++)
        inb(KBC_DATA);
}

static void keyboard_handler(uint32_t vector)
{
    (void)vector;
    uint8_t value = inb(KBC_DATA);
    if (interrupts < sizeof interrupt_bytes)
        interrupt_bytes[interrupts] = value;
    interrupts++;
    outb(PIC1_COMMAND, 0x20);
}

static void interrupt_checks(uint8_t ctr)
{
    outb(PIC1_COMMAND, 0x11);
    outb(PIC2_COMMAND, 0x11);
    outb(PIC1_DATA, 0x20);
    outb(PIC2_DATA, 0x28);
    outb(PIC1_DATA, 0x04);
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01);
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, (uint8_t)~(1u << KEYBOARD_IRQ));
    outb(PIC2_DATA, 0xff);
    idt_init();
    idt_set_handler(KEYBOARD_VECTOR, keyboard_handler);

    outb(KBC_COMMAND, 0x60);
    outb(KBC_DATA, (uint8_t)(ctr | CTR_KBDINT));
    interrupts_enable();
    outb(KBC_DATA, 0xf2);
    for (uint32_t spin = 0; spin < 300000 && interrupts < 3; spin++)
        __asm__ volatile("pause");
    interrupts_disable();
    outb(KBC_COMMAND, 0x60);
    outb(KBC_DATA, ctr);
    check(interrupts == 3 && interrupt_bytes[0] == 0xfa && interrupt_bytes[1] == 0xab && interrupt_bytes[2] == 0x83,
        "identify-by-irq", "%u: %x %x %x", interrupts, interrupt_bytes[0], interrupt_bytes[1], interrupt_bytes[2]);
}

static int cmdline_has(const struct multiboot_info *info, const char *word)
{
    return (info->flags & MULTIBOOT_INFO_CMDLINE) && info->cmdline && ends_with((const char *)info->cmdline, word);
}

void probe_main(uint32_t magic, uint32_t info_address)
{
    (void)magic;
    flush();
    check((inb(KBC_STATUS) & STATUS_OBF) == 0, "flushed", "status=0x%x", inb(KBC_STATUS));

    int self_test = command(0xaa);
    check(self_test == 0x55 && (inb(KBC_STATUS) & STATUS_SYS), "self-test", "0x%x", (uint32_t)self_test);

    /* The command byte the probe runs with: no interrupts, no translation; it must read back as written. */
    int initial = command(0x20);
    uint8_t ctr = (uint8_t)(initial & ~(CTR_KBDINT | 0x02 | CTR_XLATE));
    outb(KBC_COMMAND, 0x60);
    outb(KBC_DATA, ctr);
    int read_back = command(0x20);
    check(initial >= 0 && read_back == ctr, "command-byte", "0x%x", (uint32_t)read_back);

    check(command(0xab) == 0x00, "keyboard-interface-test", "ok");
    check(command(0xa9) == 0x00, "aux-interface-test", "ok");

    outb(KBC_COMMAND, 0xd3);
    outb(KBC_DATA, 0x5a);
    uint8_t status = 0;
    for (uint32_t spin = 0; spin < 100000 && !((status = inb(KBC_STATUS)) & STATUS_OBF); spin++)
        ;
    int looped = read_byte();
    check(looped == 0x5a && (status & STATUS_AUX), "aux-loopback", "0x%x status=0x%x", (uint32_t)looped, status);

    outb(KBC_DATA, 0xff);
    int ack = read_byte(), bat = read_byte();
    check(ack == 0xfa && bat == 0xaa, "keyboard-reset", "%x %x", (uint32_t)ack, (uint32_t)bat);

    outb(KBC_DATA, 0xf2);
    int id0 = read_byte(), id1 = read_byte(), id2 = read_byte();
    check(id0 == 0xfa && id1 == 0xab && id2 == 0x83, "keyboard-identify", "%x %x %x", (uint32_t)id0, (uint32_t)id1, (uint32_t)id2);

    if (cmdline_has((const struct multiboot_info *)info_address, "irq"))
        interrupt_checks(ctr);
}
