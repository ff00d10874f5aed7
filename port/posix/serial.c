/* POSIX serial port and scaled monotonic clock for libsarafw. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "baud.h"
#include "sarafw/error.h"
#include "sarafw/timeouts.h"
#include "sarafw_posix.h"

unsigned sarafw_posix_speed(uint32_t baud)
{
	return baud_speed(baud);
}

int sarafw_posix_time_scale(double *scale)
{
	const char *s = getenv("SARAFW_TIME_SCALE");
	char *end;
	double v;
	*scale = 1.0;
	if (!s || !*s)
		return 0; /* SARAFW_TIME_SCALE= is unset */
	errno = 0;
	v = strtod(s, &end);
	/* the bounds of sarafw-sim --time-scale; !(v > 0) also catches NaN */
	if (*end || errno || !(v > 0.0) || v > 1e6)
		return -EINVAL;
	*scale = v;
	return 0;
}

static uint32_t now_ms(void *ctx)
{
	sarafw_posix *p = ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double ms = (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
	return (uint32_t)(uint64_t)(ms * p->scale);
}

#define STALL_MS 10000.0 /* real ms the line took nothing: the port has failed */

static double real_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Takes what the line has room for now; when it is full, waits at most
 * SARAFW_POLL_MS for room and takes nothing, so the caller's loop sees a
 * signal or a cancel request between pieces of a large transfer. */
static int port_write(void *ctx, const uint8_t *buf, size_t len)
{
	sarafw_posix *p = ctx;
	struct pollfd pfd = { p->fd, POLLOUT, 0 };
	ssize_t n = write(p->fd, buf, len);
	if (n > 0) {
		p->stalled_since = 0;
		return (int)n;
	}
	if (n < 0 && errno != EINTR && errno != EAGAIN)
		return SARAFW_EIO;
	if (n < 0 && errno == EINTR)
		return 0; /* a signal: the caller decides */
	if (poll(&pfd, 1, (int)SARAFW_POLL_MS) > 0) {
		p->stalled_since = 0;
		return 0;
	}
	if (p->stalled_since == 0)
		p->stalled_since = real_ms();
	else if (real_ms() - p->stalled_since > STALL_MS)
		return SARAFW_EIO; /* the line does not drain */
	return 0;
}

static int port_read(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms)
{
	sarafw_posix *p = ctx;
	struct pollfd pfd = { p->fd, POLLIN, 0 };
	/* timeout_ms is module time: a scaled clock makes real waits shorter,
	 * but never below a line round trip (100 ms), so scaling speeds up the
	 * note's long waits without starving short exchanges. */
	double real = (double)timeout_ms / p->scale;
	double floor_ms = timeout_ms < 100u ? (double)timeout_ms : 100.0;
	if (real < floor_ms)
		real = floor_ms;
	int wait = real > 1e9 ? 1000000000 : (int)(real + 0.999);
	int r;
	do
		r = poll(&pfd, 1, wait);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return SARAFW_EIO;
	if (r == 0)
		return 0;
	ssize_t n = read(p->fd, buf, len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return n <= 0 ? SARAFW_EIO : (int)n;
}

static int set_termios(int fd, uint32_t baud)
{
	struct termios t;
	speed_t sp = (speed_t)sarafw_posix_speed(baud);
	if (!sp)
		return -EINVAL;
	if (tcgetattr(fd, &t) < 0)
		return -errno;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~(CRTSCTS | CSTOPB);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	cfsetispeed(&t, sp);
	cfsetospeed(&t, sp);
	if (tcsetattr(fd, TCSADRAIN, &t) < 0)
		return -errno;
	return 0;
}

static int port_set_baud(void *ctx, uint32_t baud)
{
	sarafw_posix *p = ctx;
	tcdrain(p->fd);
	if (set_termios(p->fd, baud) < 0)
		return SARAFW_EINVAL;
	p->baud = baud;
	return SARAFW_OK;
}

int sarafw_posix_open(sarafw_posix *p, const char *path, uint32_t baud)
{
	int fd, rc;
	memset(p, 0, sizeof *p);
	p->fd = -1;
	if (!sarafw_posix_speed(baud))
		return -EINVAL;
	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!isatty(fd)) {
		close(fd);
		return -ENOTTY;
	}
	/* Two programs on one serial line corrupt each other's traffic. */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 || ioctl(fd, TIOCEXCL) < 0) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		close(fd);
		return rc;
	}
	if ((rc = set_termios(fd, baud)) < 0) {
		close(fd);
		return rc;
	}
	tcflush(fd, TCIOFLUSH);
	p->fd = fd;
	p->baud = baud;
	sarafw_posix_time_scale(&p->scale); /* invalid: 1, the caller says so */
	p->port.ctx = p;
	p->port.write = port_write;
	p->port.read = port_read;
	p->port.now_ms = now_ms;
	p->port.set_baud = port_set_baud;
	return 0;
}

void sarafw_posix_close(sarafw_posix *p)
{
	if (p->fd >= 0) {
		ioctl(p->fd, TIOCNXCL);
		close(p->fd);
	}
	p->fd = -1;
}
