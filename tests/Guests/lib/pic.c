#include "pic.h"
#include "probe.h"

#define MASTER_COMMAND 0x20
#define MASTER_DATA 0x21
#define SLAVE_COMMAND 0xA0
#define SLAVE_DATA 0xA1
#define ICW1_INIT_WITH_ICW4 0x11
#define ICW3_MASTER_SLAVE_ON_IRQ2 0x04
#define ICW3_SLAVE_ID 0x02
#define ICW4_8086 0x01
#define OCW2_NON_SPECIFIC_EOI 0x20

void pic_remap(uint8_t master_base, uint8_t slave_base)
{
    outb(MASTER_COMMAND, ICW1_INIT_WITH_ICW4);
    outb(SLAVE_COMMAND, ICW1_INIT_WITH_ICW4);
    outb(MASTER_DATA, master_base);
    outb(SLAVE_DATA, slave_base);
    outb(MASTER_DATA, ICW3_MASTER_SLAVE_ON_IRQ2);
    outb(SLAVE_DATA, ICW3_SLAVE_ID);
    outb(MASTER_DATA, ICW4_8086);
    outb(SLAVE_DATA, ICW4_8086);
    pic_set_mask(0xFFFF);
}

void pic_set_mask(uint16_t mask)
{
    outb(MASTER_DATA, (uint8_t)mask);
    outb(SLAVE_DATA, (uint8_t)(mask >> 8));
}

void pic_eoi(uint8_t irq)
{
    if (irq >= 8)
        outb(SLAVE_COMMAND, OCW2_NON_SPECIFIC_EOI);
    outb(MASTER_COMMAND, OCW2_NON_SPECIFIC_EOI);
}
