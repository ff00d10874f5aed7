#include "line.h"

#include "baud.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define HOST_PROBE_NS 20000000 /* retry period while nobody holds the slave */

uint32_t sim_line_speed_bps(unsigned speed)
{
	return baud_bps(speed);
}

static speed_t bps_speed(uint32_t bps)
{
	speed_t s = (speed_t)baud_speed(bps);
	return s ? s : B115200;
}

uint64_t sim_line_frame_ns(uint32_t baud)
{
	/* 8N1: start bit, 8 data bits, stop bit; rounded up so a byte is
	 * never early, whatever the rate */
	return (10u * 1000000000ull + baud - 1) / baud;
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

/* True (and audited once) when the host's port runs at another rate than
 * the module's UART, which runs at `rate` for the bytes in question. */
static bool mismatch(struct sim_line *l, uint32_t rate, const char *dir)
{
	if (l->host_baud == rate || l->usb) {
		l->mismatch_reported = false;
		return false;
	}
	if (!l->mismatch_reported) {
		l->mismatch_reported = true;
		sim_audit_event(l->audit, sim_clock_now(l->clock), "baud_mismatch",
				",\"host_baud\":%u,\"module_baud\":%u,\"dir\":\"%s\"",
				(unsigned)l->host_baud, (unsigned)rate, dir);
	}
	return true;
}

/* Points link at target. A symlink there (a killed simulator's, maybe to a
 * pseudo-terminal that now belongs to another program) is replaced in one
 * rename(), so there is never a moment without a link or with a wrong one;
 * a regular file, directory or device is somebody else's and is refused. */
static int place_link(const char *target, const char *link, char *err, size_t cap)
{
	char tmp[PATH_MAX];
	struct stat st;
	if (lstat(link, &st) < 0) {
		if (errno != ENOENT) {
			snprintf(err, cap, "cannot use %s: %s", link, strerror(errno));
			return -1;
		}
		if (symlink(target, link) == 0)
			return 0;
		snprintf(err, cap, "cannot create %s: %s", link, strerror(errno));
		return -1;
	}
	if (!S_ISLNK(st.st_mode)) {
		snprintf(err, cap, "%s exists and is not a symlink: choose another --link", link);
		return -1;
	}
	if (snprintf(tmp, sizeof tmp, "%s.%ld.tmp", link, (long)getpid()) >= (int)sizeof tmp) {
		snprintf(err, cap, "%s: path too long", link);
		return -1;
	}
	unlink(tmp); /* left by an earlier process with this pid, if any */
	if (symlink(target, tmp) < 0 || rename(tmp, link) < 0) {
		snprintf(err, cap, "cannot replace the stale link %s: %s", link, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int sim_line_open(struct sim_line *l, struct sim_clock *c, struct sim_audit *a, uint32_t baud,
		  const char *link, char *err, size_t cap)
{
	struct termios t;
	int one = 1;
	const char *name;
	memset(l, 0, sizeof *l);
	l->clock = c;
	l->audit = a;
	l->module_baud = baud;
	l->tx_baud = baud;
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
	if (place_link(l->slave, link, err, cap) < 0)
		return -1;
	l->host_present = true;
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

/* The frame of a byte that arrives at `now` on a line whose last frame
 * ends at *end: it starts at whichever is later and takes frame_ns. */
static uint64_t next_frame(uint64_t *end, uint64_t now, uint32_t baud)
{
	if (*end < now)
		*end = now; /* the line was idle: nothing is banked */
	*end += sim_line_frame_ns(baud);
	return *end;
}

void sim_line_write(struct sim_line *l, const void *p, size_t n)
{
	const uint8_t *s = p;
	uint64_t now = sim_clock_wall_ns(l->clock);
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
			size_t at = (l->out_head + l->out_len) % SIM_LINE_OUT_MAX;
			l->out[at] = b[i];
			l->out_due[at] = next_frame(&l->out_end, now, l->tx_baud);
			l->out_len++;
			l->queued++;
		}
	}
}

/* How far ahead of the module the host's bytes are taken. */
static size_t in_cap(const struct sim_line *l)
{
	return l->usb ? SIM_LINE_USB_IN_MAX : SIM_LINE_IN_MAX;
}

void sim_line_set_usb(struct sim_line *l, uint32_t bps)
{
	if (l->usb && !bps)
		l->usb_until = l->queued;
	l->usb = bps != 0;
	if (bps)
		sim_line_set_baud(l, bps);
}

void sim_line_set_baud(struct sim_line *l, uint32_t baud)
{
	l->tx_baud = baud; /* bytes queued from now on */
	if (l->sent >= l->queued) {
		l->module_baud = baud;
		l->switch_pending = false;
		return;
	}
	l->switch_pending = true;
	l->switch_at = l->queued;
	l->switch_ns = l->out_end;
	l->switch_baud = baud;
}

/* The rate of the module's receiver for a frame that starts at t: the new
 * one from the end of the last frame sent at the old rate, even when the
 * pump writes that frame late. */
static uint32_t rx_rate(const struct sim_line *l, uint64_t t)
{
	return l->switch_pending && t >= l->switch_ns ? l->switch_baud : l->module_baud;
}

static void consumed(struct sim_line *l, size_t n)
{
	l->out_head = (l->out_head + n) % SIM_LINE_OUT_MAX;
	l->out_len -= n;
	l->sent += n;
	if (l->switch_pending && l->sent >= l->switch_at) {
		l->switch_pending = false;
		l->module_baud = l->switch_baud;
	}
}

/* Bytes are handed over in slices: the first waiting byte and every byte
 * whose frame ends within SIM_LINE_BATCH_NS of its frame, at the end of
 * the last of those frames. A short run (a result code) goes whole, a long
 * one in 1 ms slices, and an unrelated wake-up of the loop does not cut a
 * slice short. Returns when the slice at head is due. */
static uint64_t slice_due(const uint64_t *due, size_t cap, size_t head, size_t len)
{
	uint64_t at = due[head];
	for (size_t i = 1; i < len && due[(head + i) % cap] <= due[head] + SIM_LINE_BATCH_NS; i++)
		at = due[(head + i) % cap];
	return at;
}

static int64_t wait_for(uint64_t at, uint64_t now)
{
	return at <= now ? 0 : (int64_t)(at - now);
}

void sim_line_pump(struct sim_line *l)
{
	uint64_t now = sim_clock_wall_ns(l->clock);
	while (l->out_len &&
	       slice_due(l->out_due, SIM_LINE_OUT_MAX, l->out_head, l->out_len) <= now) {
		uint8_t chunk[1024];
		size_t n = 1, max = l->out_len;
		ssize_t w;
		if (max > sizeof chunk)
			max = sizeof chunk;
		if (max > SIM_LINE_OUT_MAX - l->out_head)
			max = SIM_LINE_OUT_MAX - l->out_head;
		if (l->switch_pending && l->switch_at - l->sent < max)
			max = (size_t)(l->switch_at - l->sent); /* stop at the rate change */
		while (n < max && l->out_due[l->out_head + n] <= now)
			n++;
		memcpy(chunk, l->out + l->out_head, n);
		if (!l->host_present) {
			consumed(l, n); /* on the wire, heard by nobody */
			continue;
		}
		refresh_host_baud(l);
		if (l->sent >= l->usb_until && mismatch(l, l->module_baud, "out"))
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

static int64_t sooner(int64_t a, int64_t b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

short sim_line_events(struct sim_line *l, bool want_input, int64_t *timeout_ns)
{
	uint64_t now = sim_clock_wall_ns(l->clock);
	short ev = 0;
	int64_t t = -1;
	if (!l->host_present) {
		struct pollfd p = {.fd = l->master, .events = POLLIN, .revents = 0};
		if (poll(&p, 1, 0) >= 0 && !(p.revents & POLLHUP))
			l->host_present = true;
	}
	if (want_input && l->in_len)
		t = wait_for(slice_due(l->in_due, SIM_LINE_IN_RING, l->in_head, l->in_len), now);
	if (!l->host_present) {
		*timeout_ns = sooner(t, HOST_PROBE_NS);
		return -1; /* caller: leave the master out of poll() */
	}
	if (l->out_len) {
		uint64_t at = slice_due(l->out_due, SIM_LINE_OUT_MAX, l->out_head, l->out_len);
		if (at <= now)
			ev |= POLLOUT; /* pump() found the PTY full */
		else
			t = sooner(t, wait_for(at, now));
	}
	if (l->in_len < in_cap(l))
		ev |= POLLIN; /* the wire does not wait for the modem */
	*timeout_ns = t;
	return ev;
}

void sim_line_receive(struct sim_line *l, short revents)
{
	uint8_t pkt[1 + 1024];
	uint64_t ends[sizeof pkt - 1];
	if (revents & (POLLHUP | POLLERR)) {
		if (l->host_present)
			sim_log_line(l->audit, sim_clock_now(l->clock), "#", "host closed the port", 20);
		l->host_present = false;
		return;
	}
	if (!(revents & POLLIN))
		return;
	for (;;) {
		size_t room = in_cap(l) > l->in_len ? in_cap(l) - l->in_len : 0, k;
		uint64_t now;
		ssize_t n;
		if (room == 0)
			return;
		if (room > sizeof pkt - 1)
			room = sizeof pkt - 1;
		n = read(l->master, pkt, room + 1);
		if (n < 0 && errno == EIO)
			l->host_present = false;
		if (n <= 0)
			return;
		refresh_host_baud(l); /* control packet, or before data: see the host's speed */
		if (pkt[0] != TIOCPKT_DATA)
			continue;
		n--;
		/* each frame at the receiver's rate when it starts; the k bytes
		 * noise keeps are stamped as the last k frames (never early) */
		now = sim_clock_wall_ns(l->clock);
		for (ssize_t i = 0; i < n; i++) {
			uint64_t start = l->in_end > now ? l->in_end : now;
			uint32_t rate = rx_rate(l, start);
			l->in_end = ends[i] = start + sim_line_frame_ns(rate);
			if (mismatch(l, rate, "in"))
				pkt[1 + i] = sim_line_garble(pkt[1 + i]);
		}
		k = sim_fault_apply(&l->fault, SIM_FAULT_IN, pkt + 1, (size_t)n);
		for (size_t i = 0; i < k; i++) {
			size_t at = (l->in_head + l->in_len) % SIM_LINE_IN_RING;
			l->in[at] = pkt[1 + i];
			l->in_due[at] = ends[(size_t)n - k + i];
			l->in_len++;
		}
	}
}

size_t sim_line_read(struct sim_line *l, uint8_t *buf, size_t cap)
{
	uint64_t now = sim_clock_wall_ns(l->clock);
	size_t n = 0;
	if (!l->in_len || slice_due(l->in_due, SIM_LINE_IN_RING, l->in_head, l->in_len) > now)
		return 0;
	while (n < cap && l->in_len && l->in_due[l->in_head] <= now) {
		buf[n++] = l->in[l->in_head];
		l->in_head = (l->in_head + 1) % SIM_LINE_IN_RING;
		l->in_len--;
	}
	return n;
}
