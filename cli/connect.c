/* Opening the port and finding the module, with one-line explanations of
 * every way that can fail. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <time.h>

#include "baud.h"
#include "cli.h"
#include "escape.h"
#include "sarafw/error.h"

#define PROBE_MS 20000u /* a module that is booting answers within this */
#define ASK_MS 300       /* real ms for the answer to one AT: line time and a reply */
#define ASK_TRIES 3      /* at the given rate, before looking at the others */

static double real_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void cli_trace(void *ctx, char dir, const char *data, size_t len)
{
	FILE *f = ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(f, "%ld.%03ld %c ", (long)ts.tv_sec, ts.tv_nsec / 1000000, dir);
	esc_trace_write(f, data, len);
	fputc('\n', f);
	fflush(f);
}

static void note(cli *c, const char *text)
{
	if (c->trace)
		cli_trace(c->trace, SARAFW_TRACE_NOTE, text, strlen(text));
}

static int open_port(cli *c, unsigned long baud)
{
	int rc = sarafw_posix_open(&c->posix, c->port_path, (uint32_t)baud);
	switch (rc) {
	case 0:
		return EXIT_OK;
	case -ENOENT:
		fprintf(stderr, "sarafw: no such port %s: check the cable and the device name (ls /dev/ttyUSB* /dev/ttyACM*)\n",
			c->port_path);
		return EXIT_NOPORT;
	case -EBUSY:
		fprintf(stderr, "sarafw: %s is in use by another program: close it (fuser %s) and retry\n",
			c->port_path, c->port_path);
		return EXIT_BUSY;
	case -EACCES:
		fprintf(stderr, "sarafw: no permission to open %s: add yourself to the dialout group or run as root\n",
			c->port_path);
		return EXIT_PORTERR;
	case -ENOTTY:
	case -EISDIR:
		fprintf(stderr, "sarafw: %s is not a serial port: give the module's tty, e.g. /dev/ttyUSB0 or /dev/ttyACM0\n",
			c->port_path);
		return EXIT_PORTERR;
	case -EINVAL: {
		char list[160];
		fprintf(stderr, "sarafw: %s cannot run at %lu baud: use one of %s\n", c->port_path, baud,
			baud_module_list(list, sizeof list));
		return EXIT_USAGE;
	}
	default:
		fprintf(stderr, "sarafw: cannot use %s: %s\n", c->port_path, strerror(-rc));
		return EXIT_PORTERR;
	}
}

static int dev_up(cli *c, const sarafw_urc *urcs, size_t n_urcs, void *urc_ctx)
{
	sarafw_dev_config cfg = {
		.port = &c->posix.port,
		.line_buf = c->line_buf,
		.line_buf_size = sizeof c->line_buf,
		.urcs = urcs,
		.n_urcs = n_urcs,
		.urc_ctx = urc_ctx,
		.trace = c->trace ? cli_trace : NULL,
		.trace_ctx = c->trace,
	};
	return sarafw_dev_init(&c->dev, &cfg);
}

/* Bytes from the port until want appears in them or ms pass; then until
 * the line is quiet for a moment, so a late answer is not left behind.
 * Returns whether want appeared. */
static bool listen_for(cli *c, const char *want, int ms)
{
	char got[64];
	size_t n = 0, wlen = strlen(want);
	bool found = false;
	double end = real_ms() + ms;
	for (;;) {
		double left = end - real_ms();
		struct pollfd pfd = { .fd = c->posix.fd, .events = POLLIN };
		if (left <= 0)
			return found;
		if (poll(&pfd, 1, found ? 50 : (int)left + 1) <= 0)
			return found; /* quiet after the answer, or the time is up */
		uint8_t buf[256];
		int r = c->posix.port.read(c->posix.port.ctx, buf, sizeof buf, 0);
		if (r <= 0)
			continue;
		if (c->trace)
			cli_trace(c->trace, SARAFW_TRACE_RX, (const char *)buf, (size_t)r);
		for (int i = 0; i < r && !found; i++) {
			if (n == sizeof got - 1) { /* keep the tail: want may span reads */
				memmove(got, got + n - wlen, wlen);
				n = wlen;
			}
			got[n++] = buf[i] ? (char)buf[i] : ' ';
			got[n] = '\0';
			found = strstr(got, want) != NULL;
		}
	}
}

/* One "AT" at the port's rate: does "OK" come back? Works whether the
 * module echoes or not (ATE0 is stored: after one sarafw run it does not). */
static bool ask(cli *c)
{
	static const char at[] = "AT\r";
	tcflush(c->posix.fd, TCIFLUSH);
	if (c->trace)
		cli_trace(c->trace, SARAFW_TRACE_TX, at, 2);
	if (c->posix.port.write(c->posix.port.ctx, (const uint8_t *)at, 3) < 0)
		return false;
	return listen_for(c, "\nOK\r", ASK_MS);
}

/* The module does not answer at c->baud: find the rate it answers at, the
 * factory 115200 first, one "AT" each (note §5.1: +IPR default). Leaves
 * the port closed; returns the rate or 0. */
static unsigned long scan_baud(cli *c)
{
	uint32_t order[16];
	size_t n = 0;
	order[n++] = 115200;
	for (size_t i = 0; i < baud_count && n < sizeof order / sizeof order[0]; i++)
		if (baud_rates[i].module && baud_rates[i].bps != 115200)
			order[n++] = baud_rates[i].bps;
	for (size_t i = 0; i < n; i++) {
		char text[48];
		if (order[i] == c->baud)
			continue;
		sarafw_posix_close(&c->posix);
		if (sarafw_posix_open(&c->posix, c->port_path, order[i]) < 0)
			continue;
		snprintf(text, sizeof text, "looking for the module at %lu baud", (unsigned long)order[i]);
		note(c, text);
		if (ask(c)) {
			sarafw_posix_close(&c->posix);
			return order[i];
		}
	}
	sarafw_posix_close(&c->posix);
	return 0;
}

static int wrong_baud(cli *c, unsigned long found)
{
	fprintf(stderr, "sarafw: the module answers at %lu baud, not %lu: rerun with --baud %lu\n", found,
		c->baud, found);
	return EXIT_BAUD;
}

int cli_connect(cli *c, const sarafw_urc *urcs, size_t n_urcs, void *urc_ctx)
{
	bool answered = false;
	unsigned long found;
	if (!c->port_path) {
		fprintf(stderr, "sarafw: %s needs --port PATH (e.g. --port /dev/ttyUSB0) or SARAFW_PORT\n",
			c->command ? c->command : "this command");
		return EXIT_USAGE;
	}
	int rc = open_port(c, c->baud);
	if (rc)
		return rc;
	/* A module that is up answers at once; if it does not, look at the
	 * other rates before waiting for one that may be booting. */
	for (int i = 0; i < ASK_TRIES && !answered; i++)
		answered = ask(c);
	if (!answered) {
		if ((found = scan_baud(c)))
			return wrong_baud(c, found);
		if ((rc = open_port(c, c->baud)))
			return rc;
	}
	dev_up(c, urcs, n_urcs, urc_ctx);
	rc = sarafw_probe(&c->dev, PROBE_MS);
	if (c->dev.flags & SARAFW_DEV_XMODEM_CANCELLED)
		fprintf(stderr, "sarafw: the module was waiting for an XMODEM transfer; cancelled it\n");
	if (rc == SARAFW_EGARBLED && (found = scan_baud(c)))
		return wrong_baud(c, found);
	if (rc == SARAFW_ENOMODULE) {
		fprintf(stderr, "sarafw: nothing answers AT on %s at any rate: check power (PWR_ON), the cable and that this is the module's AT port\n",
			c->port_path);
		return EXIT_NOANSWER;
	}
	if (rc == SARAFW_EGARBLED) {
		fprintf(stderr, "sarafw: garbled answers on %s at %lu baud and no answer at the other rates: check the cable and the port settings of the adapter\n",
			c->port_path, c->baud);
		return EXIT_BAUD;
	}
	if (rc) {
		fprintf(stderr, "sarafw: %s: %s\n", c->port_path, sarafw_strerror(rc));
		return EXIT_PORTERR;
	}
	rc = sarafw_identify(&c->dev, &c->id);
	if (rc) {
		fprintf(stderr, "sarafw: the module answered AT but not its identity (%s): power-cycle it and retry\n",
			sarafw_strerror(rc));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cli_open(cli *c)
{
	int rc;
	if (!c->port_path) {
		fprintf(stderr, "sarafw: %s needs --port PATH (e.g. --port /dev/ttyUSB0) or SARAFW_PORT\n",
			c->command ? c->command : "this command");
		return EXIT_USAGE;
	}
	if ((rc = open_port(c, c->baud)))
		return rc;
	dev_up(c, NULL, 0, NULL);
	return EXIT_OK;
}

void cli_disconnect(cli *c)
{
	sarafw_posix_close(&c->posix);
}
