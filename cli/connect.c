/* Opening the port and finding the module, with one-line explanations of
 * every way that can fail. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "sarafw/error.h"

#define PROBE_MS 20000u /* a module that is booting answers within this */
#define SCAN_MS 3000u   /* per rate when looking for the module's baud */

static const unsigned long rates[] = { 115200, 9600, 19200, 38400, 57600, 230400, 460800, 921600, 3000000 };

void cli_trace(void *ctx, char dir, const char *data, size_t len)
{
	FILE *f = ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(f, "%ld.%03ld %c ", (long)ts.tv_sec, ts.tv_nsec / 1000000, dir);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)data[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			fputc(ch, f);
		else
			fprintf(f, "\\x%02x", ch);
	}
	fputc('\n', f);
	fflush(f);
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
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
	case -EINVAL:
		fprintf(stderr, "sarafw: %lu baud is not supported by this port: use a standard rate, 921600 or 3000000\n",
			baud);
		return EXIT_USAGE;
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

/* The module answers garbage: find the rate it does answer at. */
static unsigned long scan_baud(cli *c, const sarafw_urc *urcs, size_t n_urcs, void *urc_ctx)
{
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		if (rates[i] == c->baud)
			continue;
		sarafw_posix_close(&c->posix);
		if (sarafw_posix_open(&c->posix, c->port_path, (uint32_t)rates[i]) < 0)
			continue;
		dev_up(c, urcs, n_urcs, urc_ctx);
		if (sarafw_probe(&c->dev, SCAN_MS) == SARAFW_OK)
			return rates[i];
	}
	return 0;
}

int cli_connect(cli *c, const sarafw_urc *urcs, size_t n_urcs, void *urc_ctx)
{
	int rc = open_port(c, c->baud);
	if (rc)
		return rc;
	dev_up(c, urcs, n_urcs, urc_ctx);
	rc = sarafw_probe(&c->dev, PROBE_MS);
	if (c->dev.flags & SARAFW_DEV_XMODEM_CANCELLED)
		fprintf(stderr, "sarafw: the module was waiting for an XMODEM transfer; cancelled it\n");
	if (rc == SARAFW_ENOMODULE) {
		fprintf(stderr, "sarafw: nothing answers AT on %s: check power (PWR_ON), the cable and that this is the module's AT port\n",
			c->port_path);
		return EXIT_NOANSWER;
	}
	if (rc == SARAFW_EGARBLED) {
		unsigned long found = scan_baud(c, urcs, n_urcs, urc_ctx);
		if (found)
			fprintf(stderr, "sarafw: the module answers at %lu baud, not %lu: rerun with --baud %lu\n",
				found, c->baud, found);
		else
			fprintf(stderr, "sarafw: garbled answers on %s at %lu baud: try --baud with the rate set by AT+IPR\n",
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

void cli_disconnect(cli *c)
{
	sarafw_posix_close(&c->posix);
}
