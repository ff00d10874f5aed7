/* sarafw-sim's LwM2M codecs (sim/lwm2m_codec.c): paths, TLV and the JSON
 * form of note §2.5.1, with tables of good and bad input and canaries
 * against overruns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lwm2m_codec.h"

static void test_path_good(void **st)
{
	static const struct {
		const char *s;
		int depth;
		uint16_t id[3];
	} rows[] = {
		{"/", 0, {0}},		    {"", 0, {0}},
		{"/5", 1, {5}},		    {"/5/0/1", 3, {5, 0, 1}},
		{"5/0/1", 3, {5, 0, 1}},    {"/1/1/", 2, {1, 1}},
		{"/33053/0", 2, {33053, 0}}, {"/65534/65534/65534", 3, {65534, 65534, 65534}},
		{"/1/1/30000", 3, {1, 1, 30000}},
	};
	(void)st;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct lw_path p;
		char out[24];
		assert_int_equal(lw_path_parse(rows[i].s, strlen(rows[i].s), &p), 0);
		assert_int_equal(p.depth, rows[i].depth);
		for (int j = 0; j < p.depth; j++)
			assert_int_equal(p.id[j], rows[i].id[j]);
		lw_path_format(&p, out, sizeof out);
		struct lw_path q;
		assert_int_equal(lw_path_parse(out, strlen(out), &q), 0);
		assert_memory_equal(&p.id, &q.id, sizeof p.id[0] * (size_t)p.depth);
	}
}

static void test_path_bad(void **st)
{
	static const char *const bad[] = {
		"//", "/5//1", "/a", "/5/0/1/2", "/65535", "/99999999", "/-1", "/5 /0", "5/0/1x",
		"/5/0/1//", " /5",
	};
	(void)st;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct lw_path p;
		assert_int_equal(lw_path_parse(bad[i], strlen(bad[i]), &p), -1);
	}
	/* the length bounds the parse: "/5/0" of "/5/0/1" */
	struct lw_path p;
	assert_int_equal(lw_path_parse("/5/0/1", 4, &p), 0);
	assert_int_equal(p.depth, 2);
}

static void test_tlv_roundtrip(void **st)
{
	static const size_t lens[] = {0, 1, 7, 8, 255, 256, 65535, 65536};
	static uint8_t val[70000], buf[70010];
	(void)st;
	for (size_t i = 0; i < sizeof val; i++)
		val[i] = (uint8_t)(i * 7);
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		for (uint16_t id = 0; id < 2; id++) {
			uint16_t ident = id ? 30000 : 5;
			memset(buf, 0xAA, sizeof buf);
			size_t n = lw_tlv_put(buf, sizeof buf - 4, LW_TLV_RESOURCE, ident, val, lens[i]);
			assert_true(n >= lens[i] + 2);
			assert_int_equal(buf[n], 0xAA); /* canary */
			struct lw_tlv t;
			assert_int_equal(lw_tlv_get(buf, n, &t), (long)n);
			assert_int_equal(t.kind, LW_TLV_RESOURCE);
			assert_int_equal(t.id, ident);
			assert_int_equal(t.len, lens[i]);
			assert_memory_equal(t.value, val, lens[i]);
			/* every shorter buffer is refused */
			for (size_t cut = 0; cut < n && cut < 8; cut++)
				assert_int_equal(lw_tlv_get(buf, cut, &t), -1);
			assert_int_equal(lw_tlv_get(buf, n - 1, &t), -1);
			/* and does not fit a smaller output */
			assert_int_equal(lw_tlv_put(buf, n - 1, LW_TLV_RESOURCE, ident, val, lens[i]), 0);
		}
	}
	assert_int_equal(lw_tlv_put(buf, sizeof buf, LW_TLV_RESOURCE, 1, val, 0x1000000), 0);
}

static void test_tlv_ints(void **st)
{
	static const int64_t vals[] = {0, 1, -1, 127, -128, 128, -129, 32767, -32768, 32768,
				       86400, 2147483647, -2147483648LL, 2147483648LL, INT64_MAX,
				       INT64_MIN};
	static const size_t sizes[] = {1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 8, 8, 8};
	(void)st;
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		uint8_t b[8];
		int64_t back;
		size_t n = lw_tlv_int(vals[i], b);
		assert_int_equal(n, sizes[i]);
		assert_int_equal(lw_tlv_to_int(b, n, &back), 0);
		assert_true(back == vals[i]);
	}
	uint8_t b[8] = {0};
	int64_t v;
	assert_int_equal(lw_tlv_to_int(b, 3, &v), -1);
	assert_int_equal(lw_tlv_to_int(b, 0, &v), -1);
	assert_int_equal(lw_tlv_to_int(b, 5, &v), -1);
	/* a known encoding: /1/1/1 = 86400, as a server writes it */
	static const uint8_t lt[] = {0xC4, 0x01, 0x00, 0x01, 0x51, 0x80};
	struct lw_tlv t;
	assert_int_equal(lw_tlv_get(lt, sizeof lt, &t), 6);
	assert_int_equal(lw_tlv_to_int(t.value, t.len, &v), 0);
	assert_true(v == 86400);
}

/* note §2.5.1, AT+ULWM2MREAD="/1/1", in this simulator's spacing */
static const char note_read[] =
	"{\"bn\":\"/1/1/\",\"e\":[{\"n\": \"0\", \"v\":721}, {\"n\": \"1\", \"v\":86400}, "
	"{\"n\": \"6\", \"bv\":false}, {\"n\": \"7\", \"sv\": \"UQ\"}, {\"n\": \"30000/1\", \"v\":30}]}";

static void test_json_format_and_parse(void **st)
{
	struct lw_json_entry e[5] = {0}, back[8];
	char out[512], bn[16];
	(void)st;
	strcpy(e[0].n, "0"), e[0].type = LW_JSON_NUM, e[0].v = 721;
	strcpy(e[1].n, "1"), e[1].type = LW_JSON_NUM, e[1].v = 86400;
	strcpy(e[2].n, "6"), e[2].type = LW_JSON_BOOL, e[2].bv = false;
	strcpy(e[3].n, "7"), e[3].type = LW_JSON_STR, strcpy(e[3].sv, "UQ");
	strcpy(e[4].n, "30000/1"), e[4].type = LW_JSON_NUM, e[4].v = 30;
	assert_int_equal(lw_json_format(out, sizeof out, "/1/1/", e, 5), 0);
	assert_string_equal(out, note_read);
	/* too small: refused, never cut */
	for (size_t cap = 0; cap < strlen(note_read) + 1; cap += 7)
		assert_int_equal(lw_json_format(out, cap, "/1/1/", e, 5), -1);
	assert_int_equal(lw_json_parse(note_read, strlen(note_read), bn, sizeof bn, back, 8), 5);
	assert_string_equal(bn, "/1/1/");
	assert_string_equal(back[4].n, "30000/1");
	assert_true(back[1].type == LW_JSON_NUM && back[1].v == 86400);
	assert_true(back[2].type == LW_JSON_BOOL && !back[2].bv);
	assert_string_equal(back[3].sv, "UQ");
	/* note §2.5.1's +ULWM2MWRITE, spacing as printed */
	static const char w[] = "{\"bn\":\"/1/1/\",\"e\": [{\"n\": \"1\", \"v\":604800}]}";
	assert_int_equal(lw_json_parse(w, strlen(w), bn, sizeof bn, back, 8), 1);
	assert_true(back[0].v == 604800);
	/* escapes survive both ways */
	strcpy(e[0].sv, "a\"b\\c");
	e[0].type = LW_JSON_STR;
	assert_int_equal(lw_json_format(out, sizeof out, "/x/", e, 1), 0);
	assert_int_equal(lw_json_parse(out, strlen(out), bn, sizeof bn, back, 8), 1);
	assert_string_equal(back[0].sv, "a\"b\\c");
}

static void test_json_bad(void **st)
{
	static const char *const bad[] = {
		"",
		"{",
		"{}",
		"[]",
		"{\"bn\":\"/1/1/\"}",
		"{\"e\":[{\"n\":\"1\"}]}",
		"{\"e\":[{\"v\":1}] ",
		"{\"e\":[{\"n\":\"1\",\"v\":1,\"v\":2}]}",
		"{\"e\":[{\"n\":\"1\",\"v\":1,\"bv\":true}]}",
		"{\"e\":[{\"n\":\"1\",\"v\":1.5}]}",
		"{\"e\":[{\"n\":\"1\",\"v\":99999999999999999999}]}",
		"{\"e\":[{\"n\":\"1\",\"v\":-}]}",
		"{\"e\":[{\"n\":\"1\",\"bv\":yes}]}",
		"{\"e\":[{\"n\":\"1\",\"sv\":\"\\n\"}]}",
		"{\"e\":[{\"n\":\"1\",\"sv\":\"x}]}",
		"{\"e\":[{\"n\":\"1\",\"x\":1}]}",
		"{\"e\":[{\"n\":\"1\",\"v\":1}],}",
		"{\"e\":[{\"n\":\"1\",\"v\":1},]}",
		"{\"e\":[{\"n\":\"1\",\"v\":1}]} x",
		"{\"e\":[],\"e\":[]}",
		"{\"bn\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"e\":[]}",
		"{\"e\":[{\"n\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"v\":1}]}",
		"{\"e\":[{\"n\":\"1\",\"v\":1},{\"n\":\"2\",\"v\":2},{\"n\":\"3\",\"v\":3}]}", /* > max */
	};
	(void)st;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct lw_json_entry e[2];
		char bn[16];
		assert_int_equal(lw_json_parse(bad[i], strlen(bad[i]), bn, sizeof bn, e, 2), -1);
	}
	struct lw_json_entry e[2];
	char bn[16];
	assert_int_equal(lw_json_parse("{\"e\":[]}", 8, bn, sizeof bn, e, 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_good),
		cmocka_unit_test(test_path_bad),
		cmocka_unit_test(test_tlv_roundtrip),
		cmocka_unit_test(test_tlv_ints),
		cmocka_unit_test(test_json_format_and_parse),
		cmocka_unit_test(test_json_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
