/* The module the fuzz targets (fuzz_foat.c, fuzz_udwnfile.c,
 * fuzz_file_read.c) talk to: a sarafw_port whose module sends the fuzz
 * input, handed out in chunks whenever the host writes (or, with chunk
 * set, chunk bytes a read without waiting for the host), on a clock that
 * only the host's waits and reads advance; and a package whose bytes are
 * their offset. Included by one target each, so its functions are static
 * (inline: a target need not use them all). */
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
	size_t chunk;        /* 0: paced by the host's writes; else bytes a read */
	unsigned writes, steps;
	unsigned commands;   /* writes that end a command line ('\r') */
	size_t taken;
	uint8_t abort_after; /* cancel request after this many writes, 0 never */
} fake;

static inline int f_write(void *ctx, const uint8_t *buf, size_t len)
{
	fake *f = ctx;
	CHECK(len > 0);
	f->writes++;
	if (buf[len - 1] == '\r')
		f->commands++;
	/* each write lets up to 64 more module bytes through */
	f->avail += 1 + (f->pos < f->size ? f->data[f->pos] % 64 : 0);
	f->taken += len;
	return (int)len;
}

static inline int f_read(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms)
{
	fake *f = ctx;
	size_t left = f->size - f->pos;
	size_t n = f->chunk ? (f->chunk < left ? f->chunk : left) : f->avail < left ? f->avail : left;
	f->steps++;
	if (!n) {
		f->clock += timeout_ms ? timeout_ms : 1;
		return 0;
	}
	if (n > len)
		n = len;
	memcpy(buf, f->data + f->pos, n);
	f->pos += n;
	if (!f->chunk)
		f->avail -= n;
	f->clock += 1;
	return (int)n;
}

static inline uint32_t f_now(void *ctx)
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
