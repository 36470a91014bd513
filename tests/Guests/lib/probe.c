#include "probe.h"

/* 16550 registers (offsets from COM1) and the LSR bit that says a byte may be written. */
#define UART_DATA 0
#define UART_INTERRUPT_ENABLE 1
#define UART_LINE_STATUS 5
#define LSR_TRANSMIT_EMPTY 0x20

static int failures;

void serial_putc(char c)
{
    if (c == '\n')
        serial_putc('\r');
    while ((inb(COM1_PORT + UART_LINE_STATUS) & LSR_TRANSMIT_EMPTY) == 0)
        ;
    outb(COM1_PORT + UART_DATA, (uint8_t)c);
}

void serial_puts(const char *s)
{
    while (*s)
        serial_putc(*s++);
}

/*
 * Divides *value by base and returns the remainder, bit by bit: 64-bit division would otherwise call libgcc's
 * __udivdi3, which probes do not link.
 */
static uint32_t divide(uint64_t *value, uint32_t base)
{
    uint64_t quotient = 0;
    uint32_t remainder = 0;
    for (int bit = 63; bit >= 0; bit--)
    {
        remainder = (remainder << 1) | (uint32_t)((*value >> bit) & 1);
        quotient <<= 1;
        if (remainder >= base)
        {
            remainder -= base;
            quotient |= 1;
        }
    }
    *value = quotient;
    return remainder;
}

static void put_unsigned(uint64_t value, uint32_t base, int width, char pad, int upper)
{
    char digits[24];
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    do
    {
        if (value >> 32)
        {
            digits[n++] = set[divide(&value, base)];
        }
        else
        {
            uint32_t v = (uint32_t)value;
            digits[n++] = set[v % base];
            value = v / base;
        }
    } while (value != 0);
    for (int i = n; i < width; i++)
        serial_putc(pad);
    while (n > 0)
        serial_putc(digits[--n]);
}

void vprintf(const char *format, va_list args)
{
    for (const char *p = format; *p; p++)
    {
        if (*p != '%')
        {
            serial_putc(*p);
            continue;
        }
        p++;
        char pad = ' ';
        int width = 0, longs = 0;
        if (*p == '0')
        {
            pad = '0';
            p++;
        }
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        while (*p == 'l')
        {
            longs++;
            p++;
        }
        switch (*p)
        {
        case 's':
        {
            const char *s = va_arg(args, const char *);
            serial_puts(s ? s : "(null)");
            break;
        }
        case 'c':
            serial_putc((char)va_arg(args, int));
            break;
        case 'd':
        {
            int64_t v = longs >= 2 ? va_arg(args, int64_t) : va_arg(args, int32_t);
            if (v < 0)
            {
                serial_putc('-');
                v = -v;
            }
            put_unsigned((uint64_t)v, 10, width, pad, 0);
            break;
        }
        case 'u':
            put_unsigned(longs >= 2 ? va_arg(args, uint64_t) : va_arg(args, uint32_t), 10, width, pad, 0);
            break;
        case 'x':
        case 'X':
            put_unsigned(longs >= 2 ? va_arg(args, uint64_t) : va_arg(args, uint32_t), 16, width, pad, *p == 'X');
            break;
        case 'p':
            serial_puts("0x");
            put_unsigned((uint32_t)va_arg(args, void *), 16, 8, '0', 0);
            break;
        case '%':
            serial_putc('%');
            break;
        case '\0':
            return;
        default:
            serial_putc('%');
            serial_putc(*p);
            break;
        }
    }
}

void printf(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
}

static void report(const char *verdict, const char *name, const char *format, va_list args)
{
    printf("%s %s ", verdict, name);
    vprintf(format, args);
    serial_putc('\n');
}

void pass(const char *name, const char *detail_format, ...)
{
    va_list args;
    va_start(args, detail_format);
    report("PASS", name, detail_format, args);
    va_end(args);
}

void fail(const char *name, const char *detail_format, ...)
{
    va_list args;
    va_start(args, detail_format);
    failures++;
    report("FAIL", name, detail_format, args);
    va_end(args);
}

int check(int condition, const char *name, const char *detail_format, ...)
{
    va_list args;
    va_start(args, detail_format);
    if (!condition)
        failures++;
    report(condition ? "PASS" : "FAIL", name, detail_format, args);
    va_end(args);
    return condition;
}

int probe_failures(void)
{
    return failures;
}

void debug_exit(uint32_t value)
{
    outl(DEBUG_EXIT_PORT, value);
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* Called by start.S. */
void probe_start(uint32_t magic, uint32_t info_address)
{
    outb(COM1_PORT + UART_INTERRUPT_ENABLE, 0);
    probe_main(magic, info_address);
    printf("DONE %d failed\n", failures);
    debug_exit(failures == 0 ? PROBE_EXIT_PASSED : PROBE_EXIT_FAILED);
}

void *memset(void *destination, int value, uint32_t length)
{
    uint8_t *d = destination;
    while (length--)
        *d++ = (uint8_t)value;
    return destination;
}

void *memcpy(void *destination, const void *source, uint32_t length)
{
    uint8_t *d = destination;
    const uint8_t *s = source;
    while (length--)
        *d++ = *s++;
    return destination;
}

int memcmp(const void *a, const void *b, uint32_t length)
{
    const uint8_t *x = a, *y = b;
    for (uint32_t i = 0; i < length; i++)
    {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

uint32_t strlen(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
    {
        a++;
        b++;
    }
    return (uint8_t)*a - (uint8_t)*b;
}

int ends_with(const char *s, const char *suffix)
{
    uint32_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}
