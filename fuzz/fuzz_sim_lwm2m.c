/* Fuzz target: sarafw-sim's LwM2M codecs (sim/lwm2m_codec.c) on the bytes
 * an LwM2M server or the host controls: a URI path, a TLV payload (walked
 * into nested instances), the JSON form of +ULWM2MWRITE. What a parser
 * accepts must stay inside its input and survive being written again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m_codec.h"

#define CHECK(x) ((x) ? (void)0 : abort())

static void walk_tlv(const uint8_t *p, size_t n, int depth)
{
	while (n > 0) {
		struct lw_tlv t;
		long used = lw_tlv_get(p, n, &t);
		if (used < 0)
			return;
		CHECK(used >= 2 && (size_t)used <= n);
		CHECK(t.value >= p && t.value + t.len == p + used);
		if ((t.kind == LW_TLV_INSTANCE || t.kind == LW_TLV_MULTIPLE) && depth < 3)
			walk_tlv(t.value, t.len, depth + 1);
		if (t.kind == LW_TLV_RESOURCE) {
			int64_t v;
			if (lw_tlv_to_int(t.value, t.len, &v) == 0) {
				uint8_t b[8], again[16];
				size_t k = lw_tlv_int(v, b);
				int64_t w;
				CHECK(lw_tlv_to_int(b, k, &w) == 0 && w == v);
				size_t m = lw_tlv_put(again, sizeof again, LW_TLV_RESOURCE, t.id, b, k);
				struct lw_tlv u;
				CHECK(m && lw_tlv_get(again, m, &u) == (long)m && u.id == t.id);
			}
		}
		p += used;
		n -= (size_t)used;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lw_json_entry e[8];
	static char out[8 * 400 + 64];
	struct lw_path p;
	char bn[64], text[24];
	if (lw_path_parse((const char *)data, size, &p) == 0) {
		struct lw_path q;
		CHECK(p.depth >= 0 && p.depth <= 3);
		lw_path_format(&p, text, sizeof text);
		CHECK(lw_path_parse(text, strlen(text), &q) == 0 && q.depth == p.depth);
		for (int i = 0; i < p.depth; i++)
			CHECK(q.id[i] == p.id[i] && p.id[i] <= LW_ID_MAX);
	}
	walk_tlv(data, size, 0);
	int n = lw_json_parse((const char *)data, size, bn, sizeof bn, e, 8);
	CHECK(n >= -1 && n <= 8);
	if (n >= 0) {
		CHECK(memchr(bn, 0, sizeof bn));
		CHECK(lw_json_format(out, sizeof out, bn, e, n) == 0);
		static struct lw_json_entry back[8];
		char bn2[64];
		CHECK(lw_json_parse(out, strlen(out), bn2, sizeof bn2, back, 8) == n);
		CHECK(strcmp(bn, bn2) == 0);
		for (int i = 0; i < n; i++) {
			CHECK(strcmp(e[i].n, back[i].n) == 0 && e[i].type == back[i].type);
			CHECK(e[i].type != LW_JSON_NUM || e[i].v == back[i].v);
			CHECK(e[i].type != LW_JSON_STR || strcmp(e[i].sv, back[i].sv) == 0);
		}
	}
	return 0;
}
