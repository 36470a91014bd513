/*
 * smp: the BSP starts the AP the way an MP operating system does (Intel SDM Vol. 3A 8.4.4.1 and 10.6.1; MP spec
 * B.4): it copies the real-mode trampoline below 1 MiB, then sends INIT, waits 10 ms (30 here, measuring the TSC against the PIT meanwhile), sends a startup IPI,
 * waits 200 µs and sends the second startup IPI, timed with PIT channel 2. The AP, in 32-bit C on a stack of its
 * own, reads its local APIC id, reports in through a locked increment, and then both CPUs count:
 *  - concurrently, COUNT locked increments each on one shared counter (the total shows no update was lost);
 *  - in turns, a baton passed ROUNDS times each way (each side waits for the other, so both must really run).
 * The BSP reports (the AP prints nothing: COM1 is the BSP's). Without an AP, ap-started and cpus fail after
 * AP_TIMEOUT_MS and nothing is counted.
 */
#include "apic.h"
#include "pit.h"
#include "probe.h"
#include "smp.h"

#define AP_APIC_ID 1
#define SPURIOUS_VECTOR 0xFF
#define INIT_DELAY_US 30000
#define SIPI_DELAY_US 200
#define AP_TIMEOUT_MS 2000
#define COUNT 20000
#define ROUNDS 200
#define AP_STACK_SIZE 4096

static uint8_t ap_stack[AP_STACK_SIZE] __attribute__((aligned(16)));

static volatile uint32_t ap_arrived;
static volatile uint32_t ap_apic_id;
static volatile uint32_t ap_cpuid_apic_id;
static volatile uint32_t go;
static volatile uint32_t shared_count;
static volatile uint32_t finished;
static volatile uint32_t baton;
static volatile uint32_t ap_turns;

static inline void relax(void) { __asm__ volatile("pause" ::: "memory"); }

static uint32_t cpuid_apic_id(void)
{
    uint32_t eax = 1, ebx, ecx = 0, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    return ebx >> 24;
}

static void count_concurrently(void)
{
    for (int i = 0; i < COUNT; i++)
        __atomic_fetch_add(&shared_count, 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&finished, 1, __ATOMIC_SEQ_CST);
}

/* Takes ROUNDS turns: the BSP moves the baton when it is even, the AP when it is odd. Returns the turns taken. */
static uint32_t count_in_turns(uint32_t parity)
{
    uint32_t taken = 0;
    for (int round = 0; round < ROUNDS; round++)
    {
        while ((baton & 1) != parity)
            relax();
        __atomic_fetch_add(&baton, 1, __ATOMIC_SEQ_CST);
        taken++;
    }
    return taken;
}

static void ap_main(void)
{
    idt_load();
    ap_apic_id = lapic_id();
    ap_cpuid_apic_id = cpuid_apic_id();
    __atomic_fetch_add(&ap_arrived, 1, __ATOMIC_SEQ_CST);
    while (!go)
        relax();
    count_concurrently();
    ap_turns = count_in_turns(1);
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* TSC ticks a microsecond, measured against the PIT during the INIT wait: the median of three 1/3 waits. */
static uint32_t tsc_per_us = 1;

static void measure_tsc_while_waiting(uint32_t microseconds)
{
    uint32_t a = pit_measure_tsc_per_us(microseconds / 3);
    uint32_t b = pit_measure_tsc_per_us(microseconds / 3);
    uint32_t c = pit_measure_tsc_per_us(microseconds / 3);
    uint32_t median = a > b ? (b > c ? b : (a > c ? c : a)) : (a > c ? a : (b > c ? c : b));
    tsc_per_us = median ? median : 1;
}

static uint32_t microseconds_since(uint64_t start)
{
    return (uint32_t)((rdtsc() - start) >> 4) / tsc_per_us * 16;
}

/* Waits for the AP to report in, until the timeout; returns whether it did. */
static int wait_for_ap(uint64_t since, uint32_t timeout_us)
{
    while (!ap_arrived)
    {
        if (microseconds_since(since) > timeout_us)
            return 0;
        relax();
    }
    return 1;
}

void probe_main(uint32_t magic, uint32_t info_address)
{
    (void)magic;
    (void)info_address;
    idt_init();
    lapic_enable(SPURIOUS_VECTOR);
    uint8_t bsp_id = lapic_id();
    check(bsp_id != AP_APIC_ID, "bsp-apic-id", "%u", bsp_id);

    ap_trampoline_install(ap_main, ap_stack + AP_STACK_SIZE);
    int delivered = lapic_send_ipi(AP_APIC_ID, ICR_INIT | ICR_LEVEL_ASSERT);
    measure_tsc_while_waiting(INIT_DELAY_US);
    uint64_t sipi_at = rdtsc();
    delivered &= lapic_send_ipi(AP_APIC_ID, ICR_STARTUP | ICR_LEVEL_ASSERT | AP_TRAMPOLINE_SIPI_VECTOR);
    pit_delay_us(SIPI_DELAY_US);
    /* The MP spec's second SIPI, unless the AP already answered the first (a running AP ignores it anyway). */
    if (!ap_arrived)
        delivered &= lapic_send_ipi(AP_APIC_ID, ICR_STARTUP | ICR_LEVEL_ASSERT | AP_TRAMPOLINE_SIPI_VECTOR);
    check(delivered, "ipis-delivered", "%s", delivered ? "init sipi sipi" : "delivery status stayed pending");
    printf("INFO tsc %u ticks/us\n", tsc_per_us);

    int arrived = wait_for_ap(sipi_at, AP_TIMEOUT_MS * 1000);
    if (arrived)
        pass("ap-started", "after %u us", microseconds_since(sipi_at));
    else
        fail("ap-started", "no AP answered within %u ms", AP_TIMEOUT_MS);
    check(arrived && ap_arrived == 1, "cpus", "%u", 1 + ap_arrived);
    if (!arrived)
        return;
    check(ap_apic_id == AP_APIC_ID && ap_cpuid_apic_id == AP_APIC_ID, "ap-apic-id", "%u", ap_apic_id);
    if (ap_cpuid_apic_id != ap_apic_id)
        printf("INFO AP's CPUID apic id %u, local APIC id %u\n", ap_cpuid_apic_id, ap_apic_id);

    uint64_t start = rdtsc();
    go = 1;
    count_concurrently();
    while (finished < 2)
        relax();
    uint32_t total = shared_count;
    check(total == 2 * COUNT, "counting", "concurrent %u of %u", total, 2 * COUNT);
    uint32_t bsp_turns = count_in_turns(0);
    while (ap_turns == 0)
        relax();
    check(bsp_turns == ROUNDS && ap_turns == ROUNDS && baton == 2 * ROUNDS, "counting-in-turns", "bsp %u ap %u baton %u",
          bsp_turns, ap_turns, baton);
    printf("INFO counting took %u us\n", microseconds_since(start));
}
