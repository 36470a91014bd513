/*
 * multiboot-info: checks what the loader passed (Multiboot Specification 0.6.96, 3.2 and 3.3) and prints it, so
 * the test on the host can compare the values with what it asked for.
 * Modules are expected to hold the pattern byte[i] = (i * 7 + 3) & 0xff.
 */
#include "multiboot.h"
#include "probe.h"

extern char kernel_end[];

#define ONE_MIB 0x100000u
#define LEGACY_HOLE 0xA0000u
#define PAGE_SIZE 4096u
#define CR0_PE 0x1u
#define CR0_PG 0x80000000u

static void check_memory_map(const struct multiboot_info *info)
{
    uint64_t available_kib = 0;
    uint32_t entries = 0, bad_sizes = 0;
    uint64_t low_length = 0, high_length = 0;
    int hole_reserved = 0;
    uint32_t offset = 0;
    while (offset + 4 <= info->mmap_length && entries < 64)
    {
        const struct multiboot_mmap_entry *entry = (const void *)(info->mmap_addr + offset);
        printf("INFO mmap base=0x%llx length=0x%llx type=%u\n", entry->base_addr, entry->length, entry->type);
        if (entry->size < 20)
            bad_sizes++;
        if (entry->type == MULTIBOOT_MEMORY_AVAILABLE)
        {
            available_kib += entry->length >> 10;
            if (entry->base_addr == 0)
                low_length = entry->length;
            if (entry->base_addr == ONE_MIB)
                high_length = entry->length;
        }
        else if (entry->base_addr <= LEGACY_HOLE && entry->base_addr + entry->length >= ONE_MIB)
        {
            hole_reserved = 1;
        }
        entries++;
        offset += entry->size + 4;
    }
    check(entries > 0 && bad_sizes == 0 && offset == info->mmap_length, "mmap", "entries=%u available=%lluKiB", entries, available_kib);
    check(low_length == (uint64_t)info->mem_lower * 1024, "mmap-low", "RAM at 0 length=0x%llx mem_lower=%u", low_length, info->mem_lower);
    check(high_length == (uint64_t)info->mem_upper * 1024, "mmap-high", "RAM at 1MiB length=0x%llx mem_upper=%u", high_length, info->mem_upper);
    check(hole_reserved, "mmap-hole", "0xa0000-0xfffff %s", hole_reserved ? "reserved" : "not reserved");
}

static int module_pattern_matches(const uint8_t *bytes, uint32_t length)
{
    for (uint32_t i = 0; i < length; i++)
    {
        if (bytes[i] != (uint8_t)(i * 7 + 3))
            return 0;
    }
    return 1;
}

static void check_modules(const struct multiboot_info *info)
{
    const struct multiboot_module *modules = (const void *)info->mods_addr;
    check(info->mods_count > 0, "mods", "count=%u", info->mods_count);
    uint32_t previous_end = (uint32_t)kernel_end;
    for (uint32_t i = 0; i < info->mods_count && i < 16; i++)
    {
        const struct multiboot_module *module = &modules[i];
        uint32_t length = module->mod_end - module->mod_start;
        printf("INFO module-%u start=0x%x end=0x%x string=%s\n", i, module->mod_start, module->mod_end, (const char *)module->string);
        /* Flag 0 asked for page-aligned modules; they must not overlap the kernel or each other. */
        check(module->mod_start % PAGE_SIZE == 0 && module->mod_start >= previous_end && module->mod_end >= module->mod_start,
            "module-layout", "%u start=0x%x after 0x%x", i, module->mod_start, previous_end);
        check(module_pattern_matches((const uint8_t *)module->mod_start, length), "module-bytes", "%u length=%u", i, length);
        check(module->string != 0, "module-string", "%u %s", i, module->string ? (const char *)module->string : "(none)");
        previous_end = module->mod_end;
    }
    check((uint32_t)info >= previous_end || (uint32_t)info + sizeof *info <= ONE_MIB, "info-layout",
        "info=0x%x kernel_end=0x%x modules_end=0x%x", (uint32_t)info, (uint32_t)kernel_end, previous_end);
}

void probe_main(uint32_t magic, uint32_t info_address)
{
    const struct multiboot_info *info = (const void *)info_address;
    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    check((cr0 & CR0_PE) && !(cr0 & CR0_PG), "cpu-mode", "cr0=0x%08x", cr0);
    if (!check(magic == MULTIBOOT_BOOTLOADER_MAGIC, "magic", "eax=0x%08x", magic))
        return;

    uint32_t expected = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS | MULTIBOOT_INFO_MEMORY_MAP
        | MULTIBOOT_INFO_BOOT_LOADER_NAME;
    check((info->flags & expected) == expected, "flags", "0x%x", info->flags);
    check(info->mem_lower > 0 && info->mem_lower <= 640, "mem-lower", "%u", info->mem_lower);
    check(info->mem_upper > 0, "mem-upper", "%u", info->mem_upper);
    if (info->flags & MULTIBOOT_INFO_MEMORY_MAP)
        check_memory_map(info);
    if (info->flags & MULTIBOOT_INFO_CMDLINE)
        check(info->cmdline != 0, "cmdline", "%s", info->cmdline ? (const char *)info->cmdline : "");
    if (info->flags & MULTIBOOT_INFO_MODS)
        check_modules(info);
    if (info->flags & MULTIBOOT_INFO_BOOT_LOADER_NAME)
        check(info->boot_loader_name != 0, "boot-loader-name", "%s", info->boot_loader_name ? (const char *)info->boot_loader_name : "");
}
