/*
 * fw_cfg: QEMU's firmware configuration device as firmware and test kernels use it (QEMU docs/specs/fw_cfg.rst):
 * the "QEMU" signature through the data port, the feature ID with the DMA bit, "QEMU CFG" read from the DMA
 * address register, the CPU count and RAM size items, the file directory searched for opt/org.vmm/probe (which
 * the host gives with --fw-cfg), that file's bytes through the data port and through a DMA read, and the error bit
 * for a DMA read into an address that is not RAM.
 */
#include "probe.h"

#define FW_CFG_SELECTOR 0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_DMA_HIGH 0x514
#define FW_CFG_DMA_LOW 0x518

#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_ID 0x0001
#define FW_CFG_RAM_SIZE 0x0003
#define FW_CFG_NB_CPUS 0x0005
#define FW_CFG_FILE_DIR 0x0019
#define FW_CFG_ID_DMA 0x2

#define DMA_CTL_ERROR 0x01
#define DMA_CTL_READ 0x02
#define DMA_CTL_SELECT 0x08

#define PROBE_FILE "opt/org.vmm/probe"
#define NOT_RAM 0xf0000000u

struct dma_access
{
    uint32_t control;
    uint32_t length;
    uint64_t address;
} __attribute__((packed, aligned(16)));

static volatile struct dma_access access;
static char dma_buffer[64];

static void select_item(uint16_t key) { outw(FW_CFG_SELECTOR, key); }

static void read_data(void *destination, uint32_t length)
{
    uint8_t *bytes = destination;
    for (uint32_t i = 0; i < length; i++)
        bytes[i] = inb(FW_CFG_DATA);
}

static uint32_t be32(const uint8_t *p) { return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]; }

/* A DMA read of length bytes of item selector into buffer: the descriptor is big-endian, its address written high half first. */
static uint32_t dma_read(uint16_t selector, uint32_t buffer, uint32_t length)
{
    access.control = __builtin_bswap32(((uint32_t)selector << 16) | DMA_CTL_SELECT | DMA_CTL_READ);
    access.length = __builtin_bswap32(length);
    access.address = __builtin_bswap64(buffer);
    __asm__ volatile("" ::: "memory");
    outl(FW_CFG_DMA_HIGH, 0);
    outl(FW_CFG_DMA_LOW, __builtin_bswap32((uint32_t)&access));
    __asm__ volatile("" ::: "memory");
    return __builtin_bswap32(access.control);
}

void probe_main(uint32_t magic, uint32_t info_address)
{
    (void)magic;
    (void)info_address;

    char signature[5] = {0};
    select_item(FW_CFG_SIGNATURE);
    read_data(signature, 4);
    check(memcmp(signature, "QEMU", 4) == 0, "signature", "%s", signature);

    uint32_t id = 0;
    select_item(FW_CFG_ID);
    read_data(&id, sizeof id);
    check((id & FW_CFG_ID_DMA) != 0, "id", "0x%x", id);

    uint32_t dma_signature[2] = {inl(FW_CFG_DMA_HIGH), inl(FW_CFG_DMA_LOW)};
    char dma_text[9] = {0};
    memcpy(dma_text, dma_signature, 8);
    check(memcmp(dma_text, "QEMU CFG", 8) == 0, "dma-signature", "%s", dma_text);

    uint16_t cpus = 0;
    select_item(FW_CFG_NB_CPUS);
    read_data(&cpus, sizeof cpus);
    check(cpus >= 1, "cpu-count", "%u", cpus);

    uint64_t ram = 0;
    select_item(FW_CFG_RAM_SIZE);
    read_data(&ram, sizeof ram);
    check(ram != 0, "ram-size", "%llu", ram);

    uint8_t count_bytes[4];
    select_item(FW_CFG_FILE_DIR);
    read_data(count_bytes, 4);
    uint32_t count = be32(count_bytes), size = 0;
    uint16_t selector = 0;
    for (uint32_t i = 0; i < count && selector == 0; i++)
    {
        uint8_t entry[64];
        read_data(entry, sizeof entry);
        entry[63] = 0;
        if (strcmp((const char *)entry + 8, PROBE_FILE) == 0)
        {
            size = be32(entry);
            selector = (uint16_t)((entry[4] << 8) | entry[5]);
        }
    }
    if (!check(selector != 0, "file-entry", "count=%u select=0x%x size=%u", count, selector, size))
        return;
    if (size > sizeof dma_buffer - 1)
        size = sizeof dma_buffer - 1;

    char data[64] = {0};
    select_item(selector);
    read_data(data, size);
    check(1, "file-data", "%s", data);

    uint32_t control = dma_read(selector, (uint32_t)dma_buffer, size);
    check(control == 0 && memcmp(dma_buffer, data, size) == 0, "file-dma", "%s control=0x%x", dma_buffer, control);

    control = dma_read(selector, NOT_RAM, size);
    check(control == DMA_CTL_ERROR, "dma-error", "control=0x%x", control);
}
