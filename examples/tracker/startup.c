/* Minimal Cortex-M4 startup: vector table, .data and .bss set up, main. */
#include <stdint.h>
#include <string.h>

extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;

int main(void);
void reset_handler(void);
void systick_handler(void); /* uart_port.c: the millisecond clock */
void usart1_handler(void);  /* uart_port.c: bytes from the module */

static void default_handler(void)
{
	for (;;)
		;
}

void reset_handler(void)
{
	memcpy(&_sdata, &_sidata, (size_t)((char *)&_edata - (char *)&_sdata));
	memset(&_sbss, 0, (size_t)((char *)&_ebss - (char *)&_sbss));
	main();
	for (;;)
		;
}

/* Initial stack pointer, the core's exceptions 1..15, then the
 * peripheral interrupts up to the one the port uses (USART1, 37). */
struct vectors {
	uint32_t *sp;
	void (*handler[15])(void);
	void (*irq[38])(void);
};

__attribute__((section(".isr_vector"), used)) static const struct vectors vectors = {
	.sp = &_estack,
	.handler = {
		[0] = reset_handler,    /* 1: reset */
		[1] = default_handler,  /* 2: NMI */
		[2] = default_handler,  /* 3: hard fault */
		[3] = default_handler,  /* 4: memory management */
		[4] = default_handler,  /* 5: bus fault */
		[5] = default_handler,  /* 6: usage fault */
		[10] = default_handler, /* 11: SVCall */
		[13] = default_handler, /* 14: PendSV */
		[14] = systick_handler, /* 15: SysTick */
	},
	.irq = {
		[37] = usart1_handler,
	},
};
