/* Fuzz target: the host's uFOTA URC parser and SenML reader
 * (lib/ufota.c, lib/ufota_ctl.c), then the monitor fed the same bytes as
 * a module's output. Byte 0 picks the product version; the rest is
 * lines. A parse that succeeds gives fields in range, a failed one a
 * zeroed result; the monitor's state and percent stay in range and it
 * never resets the module while a download or install is under way. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/persist.h"
#include "sarafw/ufota.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static uint32_t clock_ms;
static uint8_t rec[64];
static size_t rec_len;
static int resets;

static int p_write(void *ctx, const uint8_t *b, size_t n) { (void)ctx; (void)b; return (int)n; }
static int p_read(void *ctx, uint8_t *b, size_t n, uint32_t t) { (void)ctx; (void)b; (void)n; clock_ms += t; return 0; }
static uint32_t p_now(void *ctx) { (void)ctx; return clock_ms; }
static int p_reset(void *ctx) { (void)ctx; resets++; return SARAFW_OK; }
static int p_save(void *ctx, const void *r, size_t n)
{
	(void)ctx;
	CHECK(n <= sizeof rec);
	memcpy(rec, r, n);
	rec_len = n;
	return SARAFW_OK;
}
static int p_load(void *ctx, void *r, size_t n)
{
	(void)ctx;
	if (n > rec_len)
		n = rec_len;
	memcpy(r, rec, n);
	return (int)n;
}

static void check_urc(int rc, const sarafw_ufota_urc *u)
{
	static const sarafw_ufota_urc zero;
	if (rc != SARAFW_OK) {
		CHECK(rc == SARAFW_EPROTO && !memcmp(u, &zero, sizeof zero));
		return;
	}
	CHECK(u->kind > SARAFW_UFOTA_U_NONE && u->kind <= SARAFW_UFOTA_U_INSTALL);
	CHECK(memchr(u->uri, '\0', sizeof u->uri) != NULL);
	if (u->kind == SARAFW_UFOTA_U_DL_PROGRESS)
		CHECK(u->value >= 0 && u->value <= 100);
	if (u->kind == SARAFW_UFOTA_U_DL_FAILED)
		CHECK(u->value > 100 && u->value < 200);
	if (u->kind == SARAFW_UFOTA_U_INSTALL)
		CHECK(u->value >= 0 && u->value <= 255);
	if (u->kind == SARAFW_UFOTA_U_NOTIFY)
		CHECK(u->uri[0] == '/');
	CHECK(u->value >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *line;
	sarafw_ufota_urc u;
	sarafw_port port = { .write = p_write, .read = p_read, .now_ms = p_now, .reset = p_reset,
			     .save_state = p_save, .load_state = p_load };
	static char buf[1024];
	sarafw_dev dev;
	sarafw_ufota mon;
	sarafw_dev_config dc = { .port = &port, .line_buf = buf, .line_buf_size = sizeof buf };
	sarafw_ufota_config cfg = { .host_baud = 115200, .urcs = 3, .start = 7 };
	long v;
	if (size == 0)
		return 0;
	text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	(void)sarafw_ufota_senml_value(text, "1", &v);
	(void)sarafw_ufota_senml_value(text, NULL, &v);
	for (line = text; line; ) {
		char *nl = strpbrk(line, "\r\n");
		if (nl)
			*nl = '\0';
		check_urc(sarafw_ufota_parse(line, false, &u), &u);
		check_urc(sarafw_ufota_parse(line, true, &u), &u);
		line = nl ? nl + 1 : NULL;
	}
	free(text);

	/* the monitor, fed the bytes in chunks with time passing */
	clock_ms = 0;
	rec_len = 0;
	resets = 0;
	CHECK(sarafw_dev_init(&dev, &dc) == SARAFW_OK);
	dev.variant = sarafw_variant_at(data[0] % sarafw_variant_count());
	CHECK(sarafw_ufota_start(&mon, &dev, &cfg, clock_ms) == SARAFW_OK);
	for (size_t i = 1; i < size;) {
		size_t n = 1 + (data[i] & 15);
		const uint8_t *out;
		int pre = mon.state;
		if (n > size - i)
			n = size - i;
		while (sarafw_ufota_output(&mon, &out) > 0)
			sarafw_ufota_sent(&mon, sarafw_ufota_output(&mon, &out), clock_ms);
		i += sarafw_ufota_input(&mon, data + i, n, clock_ms);
		clock_ms += (uint32_t)(data[i - 1] & 0x3F) * 1000u;
		sarafw_ufota_tick(&mon, clock_ms);
		CHECK(mon.state <= SARAFW_UFOTA_FAILED);
		CHECK(sarafw_ufota_percent(&mon) <= 100);
		/* a reset comes only from the failsafe, out of DOWNLOADED */
		if (resets)
			CHECK(pre == SARAFW_UFOTA_DOWNLOADED);
		resets = 0;
		if (mon.state == SARAFW_UFOTA_DOWNLOADING)
			CHECK(sarafw_dev_reset(&dev) == SARAFW_EINSTALL);
	}
	return 0;
}
