/* Fuzz target: sarafw-server's REST input: JSON bodies (json_parse and
 * the accessors the handlers use) and the Range header of a download. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httprange.h"
#include "json.h"

#define CHECK(x) ((x) ? (void)0 : abort())

static json_tok tok[512];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_doc doc;
	if (json_parse(&doc, (const char *)data, size, tok, 512) == 0) {
		CHECK(doc.n >= 1 && doc.n <= 512);
		for (unsigned i = 0; i < doc.n; i++) {
			CHECK(tok[i].start <= tok[i].end && tok[i].end <= size);
			CHECK(tok[i].next > i && tok[i].next <= doc.n);
			char s[64];
			if (json_str(&doc, (int)i, s, sizeof s) == 0)
				CHECK(strlen(s) < sizeof s);
			int64_t v;
			json_int(&doc, (int)i, &v);
		}
		static const char *const keys[] = {"name", "imeis", "role", "key", ""};
		for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
			int t = json_get(&doc, 0, keys[k]);
			CHECK(t == -1 || (t > 0 && (unsigned)t < doc.n));
		}
		for (unsigned e = 0; e < 4; e++) {
			int t = json_elem(&doc, 0, e);
			CHECK(t == -1 || (t > 0 && (unsigned)t < doc.n));
		}
	}
	char hdr[128];
	size_t n = size < sizeof hdr - 1 ? size : sizeof hdr - 1;
	memcpy(hdr, data, n);
	hdr[n] = 0;
	uint64_t off = 0, len = 0, total = size * 37u;
	if (http_range(hdr, total, &off, &len) == RANGE_PARTIAL)
		CHECK(len >= 1 && off < total && off + len <= total);
	return 0;
}
