/*
 * reset: the machine reset through the keyboard controller (command 0xFE pulses the CPU's reset line: OSDev "8042
 * PS/2 Controller", "CPU Reset"; Linux's reboot=k) and what survives it. The first boot writes a marker into a CMOS
 * byte it owns and resets the machine; the machine boots again (vmm loads the kernel and enters it again, as QEMU
 * without -no-reboot runs the firmware and the kernel again) and the second boot finds the marker, because CMOS RAM
 * is battery-backed and a reset does not clear it. With vmm --no-reboot the VM stops at the reset instead, after the
 * first boot's lines.
 *
 * The second boot is told by the CMOS marker or, so that a lost marker fails instead of resetting forever, by a
 * boot count in low RAM (which neither vmm's reset nor its multiboot loader writes; the record is tagged, so a
 * firmware that used the memory meanwhile only loses the guard).
 */
#include "cmos.h"
#include "multiboot.h"
#include "probe.h"

/* A byte of the MC146818's general-purpose RAM that neither vmm's CMOS device (clock 0x00-0x0d, memory sizes
 * 0x15-0x18, 0x30-0x31, 0x34-0x35, century 0x32) nor QEMU's pc machine (boot order 0x38/0x3d, disks 0x39) uses. */
#define MARKER_REGISTER 0x3c
#define MARKER 0xa5

#define KBC_STATUS 0x64
#define KBC_COMMAND 0x64
#define STATUS_IBF 0x02
#define KBC_PULSE_RESET 0xfe

/* 512 KiB: conventional memory below the EBDA, below the kernel (1 MiB) and the multiboot information after it. */
#define BOOT_RECORD_ADDRESS 0x80000u
#define BOOT_RECORD_TAG 0x50545352u /* "RSTP" */

struct boot_record
{
    uint32_t tag;
    uint32_t boots;
    uint32_t first_magic;
};

static void first_boot(uint32_t magic, uint8_t marker)
{
    check(magic == MULTIBOOT_BOOTLOADER_MAGIC, "first-boot", "magic=0x%x", magic);
    /* Power-on CMOS RAM holds zeros there; anything else (0xff: no CMOS at 0x70) would make the marker meaningless. */
    if (!check(marker == 0, "marker-clear", "cmos[0x%x]=0x%x", MARKER_REGISTER, marker))
        return;
    cmos_write(MARKER_REGISTER, MARKER);
    uint8_t written = cmos_read(MARKER_REGISTER);
    if (!check(written == MARKER, "marker-written", "0x%x", written))
        return;

    printf("INFO resetting\n");
    for (uint32_t spin = 0; spin < 100000 && (inb(KBC_STATUS) & STATUS_IBF); spin++)
        ;
    outb(KBC_COMMAND, KBC_PULSE_RESET);
    /* The reset takes the CPU away; still being here after a while means the controller did not reset it. */
    for (uint32_t spin = 0; spin < 200000; spin++)
        __asm__ volatile("pause");
    fail("reset", "still running after 0x%x to port 0x%x", KBC_PULSE_RESET, KBC_COMMAND);
    cmos_write(MARKER_REGISTER, 0);
}

static void second_boot(uint32_t magic, const struct boot_record *record, uint8_t marker)
{
    /* The tag is gone only where firmware reused the memory: then the first boot's magic is not known. */
    uint32_t first_magic = record->tag == BOOT_RECORD_TAG ? record->first_magic : MULTIBOOT_BOOTLOADER_MAGIC;
    check(magic == MULTIBOOT_BOOTLOADER_MAGIC && magic == first_magic, "second-boot", "magic=0x%x", magic);
    check(marker == MARKER, "reset-survived-cmos", "marker=0x%x", marker);
    /* Leave the machine as found, so a later reset starts over. */
    cmos_write(MARKER_REGISTER, 0);
}

void probe_main(uint32_t magic, uint32_t info_address)
{
    (void)info_address;
    volatile struct boot_record *record = (volatile struct boot_record *)BOOT_RECORD_ADDRESS;
    if (record->tag != BOOT_RECORD_TAG)
    {
        record->boots = 0;
        record->first_magic = magic;
    }
    record->tag = BOOT_RECORD_TAG;
    uint32_t boot = ++record->boots;
    uint8_t marker = cmos_read(MARKER_REGISTER);
    printf("INFO boot %u cmos[0x%x]=0x%x\n", boot, MARKER_REGISTER, marker);

    if (boot == 1 && marker != MARKER)
        first_boot(magic, marker);
    else
    {
        second_boot(magic, (const struct boot_record *)record, marker);
        record->tag = 0;
    }
}
