/*
 * The probe library: what every probe guest links with (see ../README.md for the protocol).
 * A probe defines probe_main; the library's start code calls it with the multiboot magic and information,
 * then reports and exits through the debug-exit port.
 */
#ifndef PROBE_H
#define PROBE_H

#include <stdarg.h>
#include <stdint.h>

/* QEMU's pc addresses: COM1 and the isa-debug-exit port tests use (-device isa-debug-exit,iobase=0xf4,iosize=4). */
#define COM1_PORT 0x3f8
#define DEBUG_EXIT_PORT 0xf4

/* Written to debug-exit: vmm (like QEMU) exits with (value << 1) | 1, so 1 means every check passed, 3 a failure. */
#define PROBE_EXIT_PASSED 0
#define PROBE_EXIT_FAILED 1

/* The probe itself: return normally to report; failures counted by check/fail decide the exit code. */
void probe_main(uint32_t magic, uint32_t info_address);

/* Port I/O. */
static inline void outb(uint16_t port, uint8_t value) { __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t value) { __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t value) { __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

/* COM1 output, polled: each byte waits for the transmitter holding register to be empty. */
void serial_putc(char c);
void serial_puts(const char *s);

/*
 * printf subset: %s %c %d %u %x %X %p %%, with an optional width and 0 flag (%08x), and the l modifier
 * accepted and ignored (32-bit). %llx/%llu print 64-bit values.
 */
void printf(const char *format, ...) __attribute__((format(printf, 1, 2)));
void vprintf(const char *format, va_list args);

/* The test protocol: one line per check, "PASS name detail" or "FAIL name detail". */
void pass(const char *name, const char *detail_format, ...) __attribute__((format(printf, 2, 3)));
void fail(const char *name, const char *detail_format, ...) __attribute__((format(printf, 2, 3)));
/* PASS or FAIL by condition; returns the condition. */
int check(int condition, const char *name, const char *detail_format, ...) __attribute__((format(printf, 3, 4)));
/* FAIL lines so far. */
int probe_failures(void);

/* Writes value to debug-exit; never returns (halts if no debug-exit device is there). */
void debug_exit(uint32_t value) __attribute__((noreturn));

/*
 * Minimal IDT (see interrupts.S for why handlers return with popf; ret 4, not iret). A handler runs with IF clear
 * and acknowledges its interrupt controller itself (PIC or local APIC EOI) before returning.
 */
typedef void (*interrupt_handler)(uint32_t vector);
void idt_init(void);
/* Loads the IDT idt_init built on this CPU (an AP's first act, so its exceptions are reported too). */
void idt_load(void);
void idt_set_handler(uint8_t vector, interrupt_handler handler);
static inline void interrupts_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void interrupts_disable(void) { __asm__ volatile("cli" ::: "memory"); }

/* What gcc may call even in freestanding code. */
void *memset(void *destination, int value, uint32_t length);
void *memcpy(void *destination, const void *source, uint32_t length);
int memcmp(const void *a, const void *b, uint32_t length);
uint32_t strlen(const char *s);
int strcmp(const char *a, const char *b);
/* Non-zero if s ends with suffix. */
int ends_with(const char *s, const char *suffix);

#endif
