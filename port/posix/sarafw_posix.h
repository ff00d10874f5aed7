/* The POSIX port of libsarafw: a serial device (or the simulator's PTY)
 * through termios, and a monotonic clock scaled by SARAFW_TIME_SCALE. */
#ifndef SARAFW_POSIX_H
#define SARAFW_POSIX_H

#include <stdint.h>

#include "sarafw/port.h"

typedef struct sarafw_posix {
	int fd;
	uint32_t baud;
	double scale; /* module milliseconds per real millisecond */
	sarafw_port port;
} sarafw_posix;

/* Open path exclusively (flock and TIOCEXCL), raw 8N1, at baud (any
 * standard rate, 921600 or 3000000). Fills p->port. Returns 0 or -errno:
 * -ENOENT no such port, -EBUSY another program has it, -EACCES no
 * permission, -EINVAL unsupported baud rate, -ENOTTY not a serial port. */
int sarafw_posix_open(sarafw_posix *p, const char *path, uint32_t baud);
void sarafw_posix_close(sarafw_posix *p);

/* The termios speed constant for baud, or 0 if there is none. */
unsigned sarafw_posix_speed(uint32_t baud);

/* SARAFW_TIME_SCALE from the environment (1 when unset or invalid). */
double sarafw_posix_time_scale(void);

#endif
