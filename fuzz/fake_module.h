/* The module the engine fuzz targets (fuzz_foat.c, fuzz_udwnfile.c) talk
 * to: a sarafw_port whose module sends the fuzz input, handed out in
 * chunks whenever the host writes, on a clock that only the host's waits
 * advance; and a package whose bytes are their offset. Included by one
 * target each, so its functions are static (inline where a target may
 * not use them: fuzz_install.c reads no package). */
#ifndef SARAFW_FUZZ_FAKE_MODULE_H
#define SARAFW_FUZZ_FAKE_MODULE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/port.h"

#define CHECK(x) ((x) ? (void)0 : abort())

typedef struct {
	const uint8_t *data;
	size_t size, pos, avail;
	uint32_t clock;
	unsigned writes, steps;
	size_t taken;
	uint8_t abort_after; /* cancel request after this many writes, 0 never */
} fake;

static int f_write(void *ctx, const uint8_t *buf, size_t len)
{
	fake *f = ctx;
	(void)buf;
	CHECK(len > 0);
	f->writes++;
	/* each write lets up to 64 more module bytes through */
	f->avail += 1 + (f->pos < f->size ? f->data[f->pos] % 64 : 0);
	f->taken += len;
	return (int)len;
}

static int f_read(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms)
{
	fake *f = ctx;
	size_t left = f->size - f->pos;
	size_t n = f->avail < left ? f->avail : left;
	f->steps++;
	if (!n) {
		f->clock += timeout_ms ? timeout_ms : 1;
		return 0;
	}
	if (n > len)
		n = len;
	memcpy(buf, f->data + f->pos, n);
	f->pos += n;
	f->avail -= n;
	f->clock += 1;
	return (int)n;
}

static uint32_t f_now(void *ctx)
{
	return ((fake *)ctx)->clock;
}

static inline int f_baud(void *ctx, uint32_t baud)
{
	(void)ctx;
	return baud == 921600 || baud == 115200 ? SARAFW_OK : SARAFW_EINVAL;
}

static inline bool f_cancel(void *ctx)
{
	fake *f = ctx;
	return f->abort_after && f->writes >= f->abort_after;
}

static inline int read_pkg(void *ctx, uint32_t off, uint8_t *buf, size_t len)
{
	(void)ctx;
	memset(buf, (int)(off & 0xff), len);
	return (int)len;
}

#endif
