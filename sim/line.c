#include "line.h"

#include "baud.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <poll.h>

#define HOST_PROBE_MS 20 /* retry period while nobody holds the slave */

uint32_t sim_line_speed_bps(unsigned speed)
{
	return baud_bps(speed);
}

static speed_t bps_speed(uint32_t bps)
{
	speed_t s = (speed_t)baud_speed(bps);
	return s ? s : B115200;
}

uint8_t sim_line_garble(uint8_t b)
{
	/* a frame sampled at the wrong rate: keep it deterministic, top bit set */
	return (uint8_t)(0x80u | ((b * 37u + 11u) & 0x7fu));
}

static void refresh_host_baud(struct sim_line *l)
{
	struct termios t;
	/* on Linux, termios calls on the master act on the slave */
	if (tcgetattr(l->master, &t) == 0)
		l->host_baud = sim_line_speed_bps((unsigned)cfgetospeed(&t));
}

static bool mismatch(struct sim_line *l, const char *dir)
{
	if (l->host_baud == l->module_baud) {
		l->mismatch_reported = false;
		return false;
	}
	if (!l->mismatch_reported) {
		l->mismatch_reported = true;
		sim_audit_event(l->audit, sim_clock_now(l->clock), "baud_mismatch",
				",\"host_baud\":%u,\"module_baud\":%u,\"dir\":\"%s\"",
				(unsigned)l->host_baud, (unsigned)l->module_baud, dir);
	}
	return true;
}

int sim_line_open(struct sim_line *l, struct sim_clock *c, struct sim_audit *a, uint32_t baud,
		  const char *link, char *err, size_t cap)
{
	struct termios t;
	struct stat st;
	int one = 1;
	const char *name;
	memset(l, 0, sizeof *l);
	l->clock = c;
	l->audit = a;
	l->module_baud = baud;
	l->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (l->master < 0 || grantpt(l->master) < 0 || unlockpt(l->master) < 0 ||
	    !(name = ptsname(l->master))) {
		snprintf(err, cap, "cannot open a pseudo-terminal: %s", strerror(errno));
		return -1;
	}
	snprintf(l->slave, sizeof l->slave, "%s", name);
	/* a naive opener gets the module's rate; EXTPROC makes the host's
	 * termios changes reach us as TIOCPKT_IOCTL packets */
	if (tcgetattr(l->master, &t) == 0) {
		cfmakeraw(&t);
		t.c_lflag |= EXTPROC;
		t.c_cflag |= CLOCAL | CREAD;
		cfsetispeed(&t, bps_speed(baud));
		cfsetospeed(&t, bps_speed(baud));
		tcsetattr(l->master, TCSANOW, &t);
	}
	if (ioctl(l->master, TIOCPKT, &one) < 0) {
		snprintf(err, cap, "TIOCPKT: %s", strerror(errno));
		return -1;
	}
	refresh_host_baud(l);
	if (lstat(link, &st) == 0) {
		if (!S_ISLNK(st.st_mode)) {
			snprintf(err, cap, "%s exists and is not a symlink: choose another --link", link);
			return -1;
		}
		unlink(link);
	}
	if (symlink(l->slave, link) < 0) {
		snprintf(err, cap, "cannot create %s: %s", link, strerror(errno));
		return -1;
	}
	l->host_present = true;
	l->last_us = sim_clock_wall_us(c);
	return 0;
}

void sim_line_close(struct sim_line *l, const char *link)
{
	char target[256];
	ssize_t n = readlink(link, target, sizeof target - 1);
	if (n > 0) {
		target[n] = '\0';
		if (strcmp(target, l->slave) == 0) /* ours, not a successor's */
			unlink(link);
	}
	if (l->master >= 0)
		close(l->master);
	l->master = -1;
}

void sim_line_write(struct sim_line *l, const void *p, size_t n)
{
	const uint8_t *s = p;
	while (n) {
		uint8_t b[256];
		size_t k = n < sizeof b ? n : sizeof b;
		memcpy(b, s, k);
		s += k;
		n -= k;
		/* noise here, not in pump(): a partial write() would see the
		 * same byte twice */
		k = sim_fault_apply(&l->fault, SIM_FAULT_OUT, b, k);
		for (size_t i = 0; i < k && l->out_len < SIM_LINE_OUT_MAX; i++) {
			l->out[(l->out_head + l->out_len) % SIM_LINE_OUT_MAX] = b[i];
			l->out_len++;
			l->queued++;
		}
	}
}

void sim_line_set_baud(struct sim_line *l, uint32_t baud)
{
	if (l->sent >= l->queued) {
		l->module_baud = baud;
		l->switch_pending = false;
		return;
	}
	l->switch_pending = true;
	l->switch_at = l->queued;
	l->switch_baud = baud;
}

static double bytes_per_us(const struct sim_line *l)
{
	return (double)l->module_baud / 10.0 / 1e6; /* 8N1: 10 bits a byte */
}

/* Line time a quiet line may bank: a UART cannot send faster than its rate
 * after a pause, so the credit is small; 1 ms covers the main loop's wake-up
 * slack (ppoll with microseconds). */
static double burst(const struct sim_line *l)
{
	double b = bytes_per_us(l) * 1000.0;
	return b < 2.0 ? 2.0 : b;
}

static void refill(struct sim_line *l)
{
	uint64_t now = sim_clock_wall_us(l->clock);
	double add = (double)(now - l->last_us) * bytes_per_us(l);
	l->last_us = now;
	l->out_tokens += add;
	l->in_tokens += add;
	if (l->out_tokens > burst(l))
		l->out_tokens = burst(l);
	if (l->in_tokens > burst(l))
		l->in_tokens = burst(l);
}

static void consumed(struct sim_line *l, size_t n)
{
	l->out_head = (l->out_head + n) % SIM_LINE_OUT_MAX;
	l->out_len -= n;
	l->sent += n;
	l->out_tokens -= (double)n;
	if (l->switch_pending && l->sent >= l->switch_at) {
		l->switch_pending = false;
		l->module_baud = l->switch_baud;
	}
}

void sim_line_pump(struct sim_line *l)
{
	refill(l);
	while (l->out_len && l->out_tokens >= 1.0) {
		uint8_t chunk[256];
		size_t n = (size_t)l->out_tokens;
		ssize_t w;
		if (n > sizeof chunk)
			n = sizeof chunk;
		if (n > l->out_len)
			n = l->out_len;
		if (l->switch_pending && l->switch_at - l->sent < n)
			n = (size_t)(l->switch_at - l->sent); /* stop at the rate change */
		if (n > SIM_LINE_OUT_MAX - l->out_head)
			n = SIM_LINE_OUT_MAX - l->out_head;
		memcpy(chunk, l->out + l->out_head, n);
		if (!l->host_present) {
			consumed(l, n); /* on the wire, heard by nobody */
			continue;
		}
		refresh_host_baud(l);
		if (mismatch(l, "out"))
			for (size_t i = 0; i < n; i++)
				chunk[i] = sim_line_garble(chunk[i]);
		w = write(l->master, chunk, n);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return; /* PTY full: the host is not reading; try later */
		if (w <= 0) {
			consumed(l, n); /* EIO: nobody on the slave */
			continue;
		}
		consumed(l, (size_t)w);
	}
}

static int64_t us_for(const struct sim_line *l, double tokens_missing)
{
	return (int64_t)(tokens_missing / bytes_per_us(l)) + 1;
}

short sim_line_events(struct sim_line *l, bool want_input, int64_t *timeout_us)
{
	short ev = 0;
	int64_t t = -1;
	if (!l->host_present) {
		struct pollfd p = {l->master, POLLIN, 0};
		if (poll(&p, 1, 0) >= 0 && !(p.revents & POLLHUP))
			l->host_present = true;
	}
	if (!l->host_present) {
		*timeout_us = HOST_PROBE_MS * 1000;
		return -1; /* caller: leave the master out of poll() */
	}
	if (l->out_len) {
		if (l->out_tokens >= 1.0)
			ev |= POLLOUT;
		else
			t = us_for(l, 1.0 - l->out_tokens);
	}
	if (want_input) {
		if (l->in_tokens >= 1.0) {
			ev |= POLLIN;
		} else {
			int64_t ti = us_for(l, 1.0 - l->in_tokens);
			t = t < 0 || ti < t ? ti : t;
		}
	}
	*timeout_us = t;
	return ev;
}

size_t sim_line_read(struct sim_line *l, short revents, uint8_t *buf, size_t cap)
{
	uint8_t pkt[1 + 512];
	size_t want;
	ssize_t n;
	if (revents & (POLLHUP | POLLERR)) {
		if (l->host_present)
			sim_log_line(l->audit, sim_clock_now(l->clock), "#", "host closed the port", 20);
		l->host_present = false;
		l->in_tokens = 0;
		return 0;
	}
	if (!(revents & POLLIN))
		return 0;
	refill(l);
	want = (size_t)l->in_tokens;
	if (want > cap)
		want = cap;
	if (want > sizeof pkt - 1)
		want = sizeof pkt - 1;
	if (want == 0)
		return 0;
	n = read(l->master, pkt, want + 1);
	if (n < 0) {
		if (errno == EIO)
			l->host_present = false;
		return 0;
	}
	if (n == 0)
		return 0;
	refresh_host_baud(l); /* control packet, or before data: see the host's speed */
	if (pkt[0] != TIOCPKT_DATA)
		return 0;
	n--;
	l->in_tokens -= (double)n;
	memcpy(buf, pkt + 1, (size_t)n);
	if (mismatch(l, "in"))
		for (ssize_t i = 0; i < n; i++)
			buf[i] = sim_line_garble(buf[i]);
	return sim_fault_apply(&l->fault, SIM_FAULT_IN, buf, (size_t)n);
}
