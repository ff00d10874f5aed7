/* The tracker's port: the module's UART and the millisecond clock. */
#ifndef TRACKER_UART_PORT_H
#define TRACKER_UART_PORT_H

#include <stdint.h>

#include "sarafw/port.h"

/* Sets up the UART at baud (8N1, receive interrupt) and the 1 ms tick. */
void uart_port_init(uint32_t baud);

extern const sarafw_port uart_port;

#endif
