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
	double stalled_since; /* real ms since the line last took a byte, 0: it did */
	sarafw_port port;
} sarafw_posix;

/* Open path exclusively (flock and TIOCEXCL), raw 8N1, at baud (any
 * rate of common/baud.h). Fills p->port. Returns 0 or -errno:
 * -ENOENT no such port, -EBUSY another program has it, -EACCES no
 * permission, -EINVAL unsupported baud rate, -ENOTTY not a serial port. */
int sarafw_posix_open(sarafw_posix *p, const char *path, uint32_t baud);
void sarafw_posix_close(sarafw_posix *p);

/* The termios speed constant for baud, or 0 if there is none (the rates
 * of common/baud.h). */
unsigned sarafw_posix_speed(uint32_t baud);

/* SARAFW_TIME_SCALE from the environment into *scale: 0 and 1 when unset or empty;
 * -EINVAL and 1 when set to anything but a number in (0, 1e6] ("abc", "0",
 * "-5", "inf"). sarafw_posix_open uses 1 then: check it first to say so. */
int sarafw_posix_time_scale(double *scale);

#endif
