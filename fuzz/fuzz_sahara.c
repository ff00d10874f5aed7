/* Fuzz target: Sahara packets (common/sahara.c) from a stream of
 * arbitrary bytes, as a confused host or module could send: each decode
 * uses only bytes it was given, says "need more" only while the packet
 * is incomplete, and whatever decodes encodes back to the same bytes
 * (the reserved words of HELLO aside, which encoding zeroes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sahara.h"

#define CHECK(x) ((x) ? (void)0 : abort())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	while (off < size) {
		struct sahara_pkt p, q;
		int rc = sahara_decode(data + off, size - off, &p);
		CHECK(rc >= SAHARA_E_LEN);
		if (rc == 0) {
			CHECK(size - off < SAHARA_PKT_MAX);
			break;
		}
		if (rc < 0) {
			off++; /* a module would reset; step on to test more */
			continue;
		}
		CHECK((size_t)rc == sahara_cmd_len(p.cmd) && (size_t)rc <= size - off && p.len == (uint32_t)rc);
		uint8_t out[SAHARA_PKT_MAX];
		int n = sahara_encode(&p, out, sizeof out);
		CHECK(n == rc);
		size_t cmp = p.cmd == SAHARA_HELLO || p.cmd == SAHARA_HELLO_RESP ? 24 : (size_t)n;
		CHECK(memcmp(out, data + off, cmp) == 0);
		CHECK(sahara_decode(out, (size_t)n, &q) == n);
		CHECK(memcmp(&p, &q, sizeof p) == 0);
		off += (size_t)rc;
	}
	return 0;
}
