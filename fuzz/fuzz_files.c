/* Fuzz target: the host's parsing of the file commands' answers
 * (lib/files.c): +URDFILE/+URDBLOCK as raw bytes in chunks the input
 * chooses, +ULSTFILE and +UMNOPROF=? lines (both forms). Byte 0 picks the chunk size
 * and the name index; the rest is the module's answer. Nothing may read
 * past its input, hand out more data than the header promised, or
 * report data at the wrong offset. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/udwnfile.h"

#define CHECK(x) ((x) ? (void)0 : abort())

static void on_data(void *ctx, uint32_t off, const uint8_t *b, size_t n)
{
	uint32_t *seen = ctx;
	(void)b;
	CHECK(off == *seen);
	CHECK(n > 0);
	*seen += (uint32_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sarafw_rdfile r;
	uint32_t seen = 0, sz;
	size_t off = 1, chunk;
	char line[256], name[16];
	int rc;

	if (size < 1)
		return 0;
	chunk = 1 + (data[0] & 15);
	sarafw_rdfile_start(&r, on_data, &seen);
	while (off < size && sarafw_rdfile_status(&r) == SARAFW_RUNNING) {
		size_t n = size - off < chunk ? size - off : chunk;
		size_t used = sarafw_rdfile_input(&r, data + off, n);
		CHECK(used <= n);
		CHECK(used > 0 || sarafw_rdfile_status(&r) != SARAFW_RUNNING);
		off += used;
	}
	CHECK(seen == r.got);
	CHECK(r.got <= r.size);
	CHECK(memchr(r.name, '\0', sizeof r.name) != NULL);
	if (sarafw_rdfile_status(&r) == SARAFW_OK)
		CHECK(r.got == r.size);

	/* the same bytes as one line */
	sz = (uint32_t)(size - 1 < sizeof line - 1 ? size - 1 : sizeof line - 1);
	memcpy(line, data + 1, sz);
	line[sz] = '\0';
	rc = sarafw_ulstfile_name(line, data[0] >> 4, name, sizeof name);
	CHECK(rc == SARAFW_OK || rc == SARAFW_EPROTO || rc == SARAFW_ENOSPACE);
	CHECK(memchr(name, '\0', sizeof name) != NULL);
	rc = sarafw_ulstfile_size(line, &sz);
	CHECK(rc == SARAFW_OK || rc == SARAFW_EPROTO);
	(void)sarafw_umnoprof_lists(line, data[0]);
	const char *prof;
	if (sarafw_umnoprof_entry(line, &sz, &prof))
		CHECK(prof >= line && prof <= line + strlen(line));
	return 0;
}
