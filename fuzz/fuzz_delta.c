/* Fuzz target: the delta applier (common/delta.c) fed arbitrary deltas
 * against a fixed old image. It must read the old image only inside the
 * size the delta declares, write no more than the new size it declares,
 * and return a code delta.h documents. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "delta.h"

#define CHECK(x) ((x) ? (void)0 : abort())

static uint8_t old[8192];

typedef struct ctx {
	uint64_t declared_old, n, max;
} ctx;

static long old_read(void *c, uint64_t off, void *buf, size_t n)
{
	const ctx *x = c;
	CHECK(off + n <= x->declared_old && off + n <= sizeof old);
	memcpy(buf, old + off, n);
	return (long)n;
}

static int sink(void *c, const void *buf, size_t n)
{
	ctx *x = c;
	(void)buf;
	x->n += n;
	CHECK(x->n <= x->max);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	blob d, o;
	blob_mem m;
	uint64_t new_len;

	if (!old[1])
		for (size_t i = 0; i < sizeof old; i++)
			old[i] = (uint8_t)(i * 13 + (i >> 7));
	blob_from_mem(&d, &m, data, size);
	int rc = delta_info(&d, &new_len);
	CHECK(rc == DELTA_OK || rc == DELTA_ECORRUPT || rc == DELTA_EVERSION);
	if (rc || new_len > (1u << 20))
		return 0; /* bounded work per input */
	/* the old size the delta declares (bytes 16..23 of its header) */
	uint64_t declared = 0;
	for (int i = 7; i >= 0; i--)
		declared = declared << 8 | data[16 + i];
	ctx x = { .declared_old = declared, .max = new_len };
	o = (blob){ .read = old_read, .ctx = &x, .size = sizeof old };
	rc = delta_apply(&d, &o, sink, &x);
	CHECK(rc == DELTA_OK || rc == DELTA_ECORRUPT || rc == DELTA_EVERSION || rc == DELTA_ESOURCE ||
	      rc == DELTA_ENOMEM);
	CHECK(rc != DELTA_OK || x.n == new_len);
	CHECK(rc != DELTA_ESOURCE || declared > sizeof old);
	return 0;
}
