/* The tracker's port: USART1 of an STM32F4-like MCU wired to the module's
 * main UART, written polled and read through a small ring that the
 * receive interrupt fills, and SysTick as the millisecond clock. Every
 * wait is bounded, as sarafw_port asks. */
#include <stddef.h>
#include <stdint.h>

#include "sarafw/error.h"
#include "uart_port.h"

#define CORE_HZ 16000000u /* the internal oscillator after reset */
#define TX_BYTE_MS 10u    /* a byte that takes longer to go: the UART is stuck */

typedef struct {
	volatile uint32_t sr, dr, brr, cr1, cr2, cr3, gtpr;
} usart_regs;
#define USART1 ((usart_regs *)0x40011000u)
#define SR_ORE (1u << 3)
#define SR_RXNE (1u << 5)
#define SR_TC (1u << 6)
#define SR_TXE (1u << 7)
#define CR1_RE (1u << 2)
#define CR1_TE (1u << 3)
#define CR1_RXNEIE (1u << 5)
#define CR1_UE (1u << 13)

typedef struct {
	volatile uint32_t ctrl, load, val, calib;
} systick_regs;
#define SYSTICK ((systick_regs *)0xE000E010u)
#define NVIC_ISER1 (*(volatile uint32_t *)0xE000E104u)
#define USART1_IRQ 37u

static volatile uint32_t ticks;
/* Bytes from the module not yet read: enough for an AT answer or the
 * XMODEM receiver's few bytes between two of the library's reads. */
static uint8_t ring[64];
static volatile uint8_t head, tail;

void systick_handler(void);
void usart1_handler(void);

void systick_handler(void)
{
	ticks++;
}

void usart1_handler(void)
{
	if (USART1->sr & (SR_RXNE | SR_ORE)) {
		uint8_t c = (uint8_t)USART1->dr; /* clears RXNE and ORE */
		uint8_t next = (uint8_t)((head + 1u) % sizeof ring);
		if (next != tail) {
			ring[head] = c;
			head = next;
		}
	}
}

static uint32_t now_ms(void *ctx)
{
	(void)ctx;
	return ticks;
}

static void wait_irq(void)
{
	__asm__ volatile("wfi"); /* the tick or a byte wakes us */
}

static int uart_write(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++) {
		uint32_t t0 = ticks;
		while (!(USART1->sr & SR_TXE))
			if (ticks - t0 > TX_BYTE_MS)
				return SARAFW_EIO;
		USART1->dr = buf[i];
	}
	return (int)len;
}

static int uart_read(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms)
{
	uint32_t t0 = ticks;
	size_t n = 0;
	(void)ctx;
	while (head == tail) {
		if (ticks - t0 >= timeout_ms)
			return 0;
		wait_irq();
	}
	while (n < len && head != tail) {
		buf[n++] = ring[tail];
		tail = (uint8_t)((tail + 1u) % sizeof ring);
	}
	return (int)n;
}

static int uart_set_baud(void *ctx, uint32_t baud)
{
	uint32_t t0 = ticks;
	(void)ctx;
	while (!(USART1->sr & SR_TC)) /* let the last byte go at the old rate */
		if (ticks - t0 > TX_BYTE_MS)
			return SARAFW_EIO;
	USART1->brr = (CORE_HZ + baud / 2u) / baud; /* 16x oversampling */
	return SARAFW_OK;
}

const sarafw_port uart_port = {
	.write = uart_write,
	.read = uart_read,
	.now_ms = now_ms,
	.set_baud = uart_set_baud,
	/* no RESET_N wired, no state to persist: both optional */
};

void uart_port_init(uint32_t baud)
{
	SYSTICK->load = CORE_HZ / 1000u - 1u;
	SYSTICK->val = 0;
	SYSTICK->ctrl = 7u; /* core clock, interrupt, on */
	USART1->cr1 = 0;
	USART1->brr = (CORE_HZ + baud / 2u) / baud;
	USART1->cr1 = CR1_UE | CR1_TE | CR1_RE | CR1_RXNEIE;
	NVIC_ISER1 = 1u << (USART1_IRQ - 32u);
}
