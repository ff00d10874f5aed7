/* Fuzz target: the blocking file calls (lib/files.c) against a module
 * that sends whatever the input says: AT+URDBLOCK answers read as raw
 * bytes between the AT engine's lines, and the +ULSTFILE list. Byte 0
 * picks the line buffer's size (bit 0), how much to read (bits 1-4) and
 * the size of the pieces the port hands out (bits 5-7); the rest is the
 * module's output. The
 * reader must hand out bytes in order, never past what it asked for,
 * end within its bounds and return an error code it documents. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/files.h"
#include "sarafw/timeouts.h"

#include "fake_module.h"

typedef struct {
	uint32_t next; /* the offset the next bytes must have */
	uint32_t want;
} seen;

static int on_bytes(void *ctx, uint32_t off, const uint8_t *b, size_t n)
{
	seen *s = ctx;
	(void)b;
	CHECK(off == s->next);
	CHECK(n > 0 && n <= s->want - off);
	s->next += (uint32_t)n;
	return SARAFW_OK;
}

static void on_name(void *ctx, const char *name)
{
	(void)ctx;
	CHECK(name[0] && strlen(name) <= SARAFW_FILE_NAME_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fake f = { .data = data + 1, .size = size ? size - 1 : 0, .chunk = size ? 1u + (data[0] >> 5) * 5u : 1u };
	sarafw_port port = { .ctx = &f, .write = f_write, .read = f_read, .now_ms = f_now };
	char line[512];
	sarafw_dev dev;
	seen s = { 0, 0 };
	int rc;

	if (size < 1)
		return 0;
	sarafw_dev_config dc = { .port = &port, .line_buf = line,
				 .line_buf_size = data[0] & 1 ? sizeof line : 64 };
	CHECK(sarafw_dev_init(&dev, &dc) == SARAFW_OK);
	/* 1..8 bytes, or two blocks and a bit */
	s.want = data[0] & 2 ? 2u * SARAFW_FILE_BLOCK + 5u : 1u + ((data[0] >> 2) & 7u);
	rc = sarafw_file_read(&dev, "f", 0, s.want, on_bytes, &s);
	CHECK(rc == SARAFW_OK || rc == SARAFW_EERROR || rc == SARAFW_EERROR1 || rc == SARAFW_EPROTO ||
	      rc == SARAFW_ETIMEOUT);
	if (rc == SARAFW_OK)
		CHECK(s.next == s.want);
	/* each block waits for at most its silence bound, then the final result */
	CHECK(f.clock < 3u * (2u * SARAFW_ANSWER_MS + 1000u) + (uint32_t)size);
	CHECK(f.commands <= 3u);

	rc = sarafw_file_list(&dev, on_name, NULL);
	CHECK(rc <= 0);
	CHECK(f.steps < 200000u);
	return 0;
}
