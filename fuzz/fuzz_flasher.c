/* Fuzz target: sarafw flash's host side (cli/flasher.c) fed arbitrary
 * bytes as the module's answers: Sahara packets, then Firehose documents,
 * raw sectors and logs. Every call must end (the fake clock runs on),
 * with a code flasher.h documents, and what it keeps must be bounded and
 * terminated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flasher.h"

#define CHECK(x) ((x) ? (void)0 : abort())

typedef struct fake {
	const uint8_t *data;
	size_t size, at;
	uint32_t now;
} fake;

static int f_write(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx, (void)buf;
	return (int)(len > 65536 ? 65536 : len);
}

static int f_read(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms)
{
	fake *f = ctx;
	size_t n = f->size - f->at;
	if (n == 0) {
		f->now += timeout_ms ? timeout_ms : 1;
		return 0;
	}
	/* the module's bytes come in pieces of a varying size */
	size_t piece = 1 + (f->data[f->at] % 97);
	n = n < piece ? n : piece;
	n = n < len ? n : len;
	memcpy(buf, f->data + f->at, n);
	f->at += n;
	f->now += 1;
	return (int)n;
}

static uint32_t f_now(void *ctx)
{
	return ((fake *)ctx)->now;
}

static bool known(int rc)
{
	return rc == FL_OK || rc == FL_ENODEV || rc == FL_EPROG || rc == FL_ENAK || rc == FL_ELOST || rc == FL_EPROTO;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static flasher fl;
	static uint8_t prog[300], img[1500], out[8 * FL_SECTOR];
	fake f = { .data = data, .size = size };
	sarafw_port port = { .ctx = &f, .write = f_write, .read = f_read, .now_ms = f_now };
	blob pb, ib;
	blob_mem pm, im;
	blob_from_mem(&pb, &pm, prog, sizeof prog);
	blob_from_mem(&ib, &im, img, sizeof img);

	fl_init(&fl, &port, NULL, NULL, 500);
	int rc = fl_sahara(&fl, &pb, 0, sizeof prog, 1000);
	CHECK(known(rc) && memchr(fl.why, '\0', sizeof fl.why));
	if (rc == FL_OK) {
		rc = fl_configure(&fl);
		CHECK(known(rc) && fl.n_parts <= FL_PARTS_MAX && memchr(fl.serial, '\0', sizeof fl.serial));
		for (unsigned i = 0; i < fl.n_parts; i++)
			CHECK(fl.parts[i].name[0] && memchr(fl.parts[i].name, '\0', sizeof fl.parts[i].name));
		CHECK(fl.max_payload >= FL_SECTOR);
		rc = fl_read(&fl, "devdata", 8, out);
		CHECK(known(rc));
		rc = fl_program(&fl, "apps", &ib, 0, sizeof img, NULL, NULL);
		CHECK(known(rc));
		CHECK(known(fl_reset(&fl)));
	}
	CHECK(f.at <= f.size);
	return 0;
}
