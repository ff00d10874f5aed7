/* Fuzz target: probe and identify (lib/probe.c through lib/dev.c and the
 * AT engine) against a module that answers whatever the input says. The
 * input is the module's replies, one per command the host sends,
 * separated by 0x1E; replies may hold any other byte, URCs, echo, half
 * lines or nothing. The host must end (every wait is bounded), keep every
 * identity field a terminated string and only ever name a real variant. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sarafw/dev.h"
#include "sarafw/probe.h"

/* not assert(): it must hold in release builds too */
#define CHECK(x) ((x) ? (void)0 : abort())
#define SEP 0x1E

typedef struct {
	const uint8_t *data;
	size_t size, pos;  /* next reply starts at pos */
	const uint8_t *out;
	size_t out_len;    /* the reply being read */
	uint32_t clock;
	unsigned writes;
} fake;

static int f_write(void *ctx, const uint8_t *buf, size_t len)
{
	fake *f = ctx;
	CHECK(len > 0 && len <= SARAFW_CMD_MAX + 1);
	if (buf[len - 1] != '\r')
		return (int)len;
	f->writes++;
	/* the next reply replaces whatever of the last one was not read */
	if (f->pos >= f->size) {
		f->out_len = 0;
		return (int)len;
	}
	const uint8_t *end = memchr(f->data + f->pos, SEP, f->size - f->pos);
	size_t n = end ? (size_t)(end - (f->data + f->pos)) : f->size - f->pos;
	f->out = f->data + f->pos;
	f->out_len = n;
	f->pos += n + (end != NULL);
	return (int)len;
}

static int f_read(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms)
{
	fake *f = ctx;
	if (!f->out_len) {
		f->clock += timeout_ms ? timeout_ms : 1;
		return 0;
	}
	size_t n = f->out_len < len ? f->out_len : len;
	if (n > 7)
		n = 7; /* lines arrive cut */
	memcpy(buf, f->out, n);
	f->out += n;
	f->out_len -= n;
	f->clock += 1;
	return (int)n;
}

static uint32_t f_now(void *ctx)
{
	return ((fake *)ctx)->clock;
}

static void on_urc(void *ctx, int argc, const char *const *argv, const char *line)
{
	CHECK(line != NULL);
	CHECK(argc <= SARAFW_AT_ARGS_MAX);
	for (int i = 0; i < argc; i++)
		CHECK(argv[i] != NULL && strlen(argv[i]) <= strlen(line));
	(*(unsigned *)ctx)++;
}

static const sarafw_urc urcs[] = {
	{ "+UFOTASTAT:", on_urc },
	{ "+CEREG:", on_urc },
};

static int terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fake f = { .data = data, .size = size };
	sarafw_port port = { .ctx = &f, .write = f_write, .read = f_read, .now_ms = f_now };
	char line[64]; /* short: long replies must overflow cleanly */
	unsigned n_urc = 0;
	sarafw_dev_config cfg = { .port = &port, .line_buf = line, .line_buf_size = sizeof line,
				  .urcs = urcs, .n_urcs = 2, .urc_ctx = &n_urc };
	sarafw_dev dev;
	sarafw_ident id;

	CHECK(sarafw_dev_init(&dev, &cfg) == 0);
	int rc = sarafw_probe(&dev, 5000);
	CHECK(rc <= 0);
	CHECK(f.clock < 5000 + 5000); /* the probe's bound, plus its drain (3 s) and one confirm (1 s) */
	if (rc == 0) {
		rc = sarafw_identify(&dev, &id);
		CHECK(rc <= 0);
		if (rc == 0) {
			CHECK(terminated(id.type_number, sizeof id.type_number));
			CHECK(terminated(id.model, sizeof id.model));
			CHECK(terminated(id.modem_version, sizeof id.modem_version));
			CHECK(terminated(id.app_version, sizeof id.app_version));
			CHECK(terminated(id.imei, sizeof id.imei));
			CHECK(!strchr(id.modem_version, ','));
			CHECK(dev.variant == id.variant);
			if (id.variant) {
				size_t i;
				for (i = 0; i < sarafw_variant_count(); i++)
					if (sarafw_variant_at(i) == id.variant)
						break;
				CHECK(i < sarafw_variant_count());
			}
			(void)sarafw_urc_get(&dev, SARAFW_URC_UFOTASTAT);
			(void)sarafw_urc_get(&dev, SARAFW_URC_ULWM2MSTAT);
		}
	}
	CHECK(f.writes < 1000);
	return 0;
}
