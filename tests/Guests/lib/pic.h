/*
 * The PC's pair of 8259A interrupt controllers: master at 0x20/0x21 (IRQ 0-7), slave at 0xA0/0xA1 (IRQ 8-15)
 * cascaded on the master's IRQ 2 (Intel 8259A data sheet, "Programming the 8259A").
 */
#ifndef PIC_H
#define PIC_H

#include <stdint.h>

/* Initializes both controllers (ICW1-4: edge triggered, cascade, 8086 mode) with IRQ 0 at vector master_base and IRQ 8 at slave_base; masks every IRQ. */
void pic_remap(uint8_t master_base, uint8_t slave_base);

/* Sets the interrupt mask registers: bit n set masks IRQ n (0-15). */
void pic_set_mask(uint16_t mask);

/* Non-specific end of interrupt for irq, to the slave too when it came through the cascade. */
void pic_eoi(uint8_t irq);

#endif
