/* sarafw-server's parsers, as tables of good and bad input: registration
 * query options and link format (LwM2M 1.0 §5.3.1), the endpoint's IMEI,
 * TLV, JSON, the Range header and HOST:PORT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hostport.h"
#include "httprange.h"
#include "json.h"
#include "linkformat.h"

static int query(reg_params *p, const char *opts)
{
	/* opts: options separated by '&' */
	reg_params_init(p);
	const char *s = opts;
	while (*s) {
		const char *e = strchr(s, '&');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (reg_query_opt(p, (const uint8_t *)s, n) < 0)
			return -1;
		s += n + (e ? 1 : 0);
	}
	return 0;
}

static void query_table(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int ok;
		const char *ep;
		long long lt;
		const char *b;
	} cases[] = {
		{"ep=urn:imei:351234567890123&lt=300&lwm2m=1.0&b=U", 0, "urn:imei:351234567890123", 300, "U"},
		{"ep=x&b=UQ&Q", 0, "x", -1, "UQ"},
		{"ep=x&sms=+4912345&foo=bar", 0, "x", -1, ""},       /* unknown keys ignored */
		{"ep=x&lt=4294967295", 0, "x", 4294967295LL, ""},
		{"ep=", -1, "", -1, ""},                               /* empty endpoint */
		{"ep=a&ep=b", -1, "", -1, ""},                         /* repeated */
		{"ep=x&lt=0", -1, "", -1, ""},
		{"ep=x&lt=4294967296", -1, "", -1, ""},
		{"ep=x&lt=12a", -1, "", -1, ""},
		{"ep=x&lt=", -1, "", -1, ""},
		{"ep=x&lt=1&lt=2", -1, "", -1, ""},
		{"ep=x&b=T", -1, "", -1, ""},                          /* not a 1.0 binding */
		{"ep=x&Q=1", -1, "", -1, ""},
		{"ep=x&lwm2m=1.0.0.0.0.0.0", -1, "", -1, ""},          /* too long */
		{"ep=has space", -1, "", -1, ""},
		{"ep=0123456789012345678901234567890123456789012345678901234567890123", 0,
		 "0123456789012345678901234567890123456789012345678901234567890123", -1, ""},
		{"ep=01234567890123456789012345678901234567890123456789012345678901234", -1, "", -1, ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		reg_params p;
		int r = query(&p, cases[i].in);
		if (r != cases[i].ok)
			fail_msg("%s: %d, want %d", cases[i].in, r, cases[i].ok);
		if (r == 0) {
			assert_string_equal(p.ep, cases[i].ep);
			assert_int_equal(p.lt, cases[i].lt);
			assert_string_equal(p.b, cases[i].b);
		}
	}
	/* a NUL or control byte inside an option */
	reg_params p;
	reg_params_init(&p);
	assert_int_equal(reg_query_opt(&p, (const uint8_t *)"ep=a\0b", 6), -1);
	assert_int_equal(reg_query_opt(&p, (const uint8_t *)"ep=a\nb", 6), -1);
}

static void link_table(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int ok;
		const char *list;
		const char *root;
	} cases[] = {
		{"</>;rt=\"oma.lwm2m\";ct=11543,</1/0>,</3/0>,</5/0>", 0, "/1/0,/3/0,/5/0", ""},
		{"</1/0>,</2/0>,</3/0>,</4/0>,</5/0>,</6/0>,</7/0>,</31024/10>", 0,
		 "/1/0,/2/0,/3/0,/4/0,/5/0,/6/0,/7/0,/31024/10", ""},
		{"</lwm2m>;rt=\"oma.lwm2m\",</lwm2m/1/0>,</lwm2m/5>", 0, "/1/0,/5", "/lwm2m"},
		{"</3>;ver=1.1,</3/0>", 0, "/3,/3/0", ""},
		{"</1/0>;title=\"a;b,c\"", 0, "/1/0", ""},             /* quoted ; and , */
		{"", -1, NULL, NULL},
		{"</1/0", -1, NULL, NULL},                             /* unterminated */
		{"</1/0>,", -1, NULL, NULL},                           /* trailing comma */
		{"</1/0>,,</3/0>", -1, NULL, NULL},
		{"1/0", -1, NULL, NULL},
		{"</a/0>", -1, NULL, NULL},
		{"</1/0/3/4>", -1, NULL, NULL},                        /* too deep for a registration */
		{"</65536/0>", -1, NULL, NULL},
		{"</1//0>", -1, NULL, NULL},
		{"</1/0>x", -1, NULL, NULL},
		{"</1/0>;=3", -1, NULL, NULL},
		{"</1/0>;ct=\"unterminated", -1, NULL, NULL},
		{"</1/0>;ct=", -1, NULL, NULL},
		{"</1/0 >", -1, NULL, NULL},
		{"</x/1/0>", -1, NULL, NULL},
		{"</lwm2m>;rt=\"oma.lwm2m\",</1/0>", -1, NULL, NULL},  /* outside the alternate path */
		{"</1/0>,</>;rt=\"oma.lwm2m\"", -1, NULL, NULL},       /* the root comes first */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		reg_objects o;
		int r = link_parse((const uint8_t *)cases[i].in, strlen(cases[i].in), &o);
		if (r != cases[i].ok)
			fail_msg("%s: %d, want %d", cases[i].in, r, cases[i].ok);
		if (r == 0) {
			char s[512];
			assert_int_equal(reg_objects_str(&o, s, sizeof s), 0);
			assert_string_equal(s, cases[i].list);
			assert_string_equal(o.root, cases[i].root);
		}
	}
}

static void link_bounds(void **state)
{
	(void)state;
	/* REG_OBJ_MAX entries parse, one more is refused, not cut */
	static char buf[REG_OBJ_MAX * 16 + 16];
	size_t n = 0;
	for (int i = 0; i <= REG_OBJ_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s</%d/0>", i ? "," : "", i);
	reg_objects o;
	assert_int_equal(link_parse((const uint8_t *)buf, n, &o), -1);
	n = (size_t)(strrchr(buf, ',') - buf);
	assert_int_equal(link_parse((const uint8_t *)buf, n, &o), 0);
	assert_int_equal(o.n, REG_OBJ_MAX);
	assert_true(reg_objects_has(&o, 5, 0));
	assert_false(reg_objects_has(&o, 5, 1));
	/* a list that does not fit the caller's buffer: an error, buffer empty */
	char small[8] = "canary";
	assert_int_equal(reg_objects_str(&o, small, sizeof small), -1);
	assert_string_equal(small, "");
}

static void imei_table(void **state)
{
	(void)state;
	static const struct {
		const char *ep;
		const char *imei;
	} cases[] = {
		{"urn:imei:351234567890123", "351234567890123"},
		{"urn:imei-msisdn:351234567890123-4915112345", "351234567890123"},
		{"urn:imei:35123456789012", NULL},   /* 14 digits */
		{"urn:imei:3512345678901234", NULL}, /* 16 */
		{"urn:imei:35123456789012x", NULL},
		{"urn:imei-msisdn:351234567890123", NULL},
		{"urn:IMEI:351234567890123", NULL},
		{"351234567890123", NULL},
		{"testlwm2mclient", NULL},
		{"", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char imei[16] = "";
		bool ok = imei_from_endpoint(cases[i].ep, imei);
		if (ok != (cases[i].imei != NULL))
			fail_msg("%s: %d", cases[i].ep, ok);
		if (ok)
			assert_string_equal(imei, cases[i].imei);
	}
}

static void tlv_table(void **state)
{
	(void)state;
	/* resources 0 "Open" and 3 "1.2", inside object instance 0, and bare */
	static const uint8_t inst[] = {0x08, 0x00, 0x0b, 0xc4, 0x00, 'O', 'p', 'e', 'n', 0xc3, 0x03, '1', '.', '2'};
	static const uint8_t bare[] = {0xc4, 0x00, 'O', 'p', 'e', 'n', 0xc3, 0x03, '1', '.', '2'};
	/* 16-bit id and 8-bit length */
	static const uint8_t wide[] = {0xe8, 0x00, 0x03, 0x02, 'h', 'i'};
	const uint8_t *v;
	size_t n;
	assert_int_equal(tlv_find(inst, sizeof inst, 3, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(v, "1.2", 3);
	assert_int_equal(tlv_find(bare, sizeof bare, 0, &v, &n), 0);
	assert_memory_equal(v, "Open", 4);
	assert_int_equal(tlv_find(bare, sizeof bare, 9, &v, &n), 1);
	assert_int_equal(tlv_find(wide, sizeof wide, 3, &v, &n), 0);
	assert_int_equal(n, 2);
	/* bad: a length past the end, a header cut short, nested instances */
	static const uint8_t past[] = {0xc5, 0x03, '1', '.'};
	static const uint8_t cut[] = {0xe8, 0x00};
	static const uint8_t nested[] = {0x03, 0x00, 0x03, 0x00, 0x00, 0x00};
	static const uint8_t len24[] = {0xd8, 0x03, 0xff, 0xff, 0xff, 0x00};
	assert_int_equal(tlv_find(past, sizeof past, 3, &v, &n), -1);
	assert_int_equal(tlv_find(cut, sizeof cut, 3, &v, &n), -1);
	assert_int_equal(tlv_find(nested, sizeof nested, 3, &v, &n), -1);
	assert_int_equal(tlv_find(len24, sizeof len24, 3, &v, &n), -1);
	assert_int_equal(tlv_find(inst, 0, 3, &v, &n), 1);
}

static void json_table(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int ok;
	} cases[] = {
		{"{}", 0}, {"[]", 0}, {" {\"a\" : [1, -2.5e3, true, false, null, \"x\"]} ", 0},
		{"\"\\u00e9\\n\"", 0}, {"0", 0}, {"-0", 0},
		{"", -1}, {"{", -1}, {"{\"a\"}", -1}, {"{\"a\":}", -1}, {"{\"a\":1,}", -1}, {"[1,]", -1},
		{"01", -1}, {"1.", -1}, {"1e", -1}, {"+1", -1}, {"tru", -1}, {"\"\\x\"", -1},
		{"\"\\u12\"", -1}, {"\"a\nb\"", -1}, {"{} {}", -1}, {"{'a':1}", -1}, {"[1 2]", -1},
		{"[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]", -1}, /* deeper than JSON_DEPTH_MAX */
	};
	json_tok tok[64];
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_doc d;
		int r = json_parse(&d, cases[i].in, strlen(cases[i].in), tok, 64);
		if (r != cases[i].ok)
			fail_msg("%s: %d, want %d", cases[i].in, r, cases[i].ok);
	}
	json_doc d;
	/* NUL inside the text */
	assert_int_equal(json_parse(&d, "\"a\0b\"", 5, tok, 64), -1);
	/* too many tokens for the caller's array */
	assert_int_equal(json_parse(&d, "[1,2,3,4]", 9, tok, 4), -1);
	assert_int_equal(json_parse(&d, "[1,2,3,4]", 9, tok, 5), 0);

	const char *body = "{\"name\":\"a\\\"b\",\"n\":42,\"big\":9223372036854775808,\"f\":1.5,"
			   "\"list\":[\"x\",{\"y\":1},\"z\"],\"u\":\"\\u00e9\",\"nul\":\"\\u0000\"}";
	assert_int_equal(json_parse(&d, body, strlen(body), tok, 64), 0);
	char s[16];
	int64_t v;
	assert_int_equal(json_str(&d, json_get(&d, 0, "name"), s, sizeof s), 0);
	assert_string_equal(s, "a\"b");
	assert_int_equal(json_int(&d, json_get(&d, 0, "n"), &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(json_int(&d, json_get(&d, 0, "big"), &v), -1);
	assert_int_equal(json_int(&d, json_get(&d, 0, "f"), &v), -1);
	assert_int_equal(json_int(&d, json_get(&d, 0, "name"), &v), -1);
	assert_int_equal(json_str(&d, json_get(&d, 0, "n"), s, sizeof s), -1);
	assert_int_equal(json_get(&d, 0, "missing"), -1);
	int list = json_get(&d, 0, "list");
	assert_int_equal(json_str(&d, json_elem(&d, list, 2), s, sizeof s), 0);
	assert_string_equal(s, "z");
	assert_int_equal(json_elem(&d, list, 3), -1);
	assert_int_equal(json_str(&d, json_get(&d, 0, "u"), s, sizeof s), 0);
	assert_string_equal(s, "\xc3\xa9");
	assert_int_equal(json_str(&d, json_get(&d, 0, "nul"), s, sizeof s), -1);
	char tiny[3] = "xy";
	assert_int_equal(json_str(&d, json_get(&d, 0, "name"), tiny, sizeof tiny), -1);
	assert_string_equal(tiny, ""); /* never half a string */

	/* the writer escapes what JSON must */
	bytes b = {0};
	jw_str(&b, "q\"b\\c\n\x01");
	bytes_put(&b, "", 1);
	assert_string_equal((char *)b.p, "\"q\\\"b\\\\c\\u000a\\u0001\"");
	free(b.p);
}

static void range_table(void **state)
{
	(void)state;
	static const struct {
		const char *h;
		uint64_t size;
		int r;
		uint64_t off, len;
	} cases[] = {
		{NULL, 100, RANGE_NONE, 0, 0},
		{"bytes=0-99", 100, RANGE_PARTIAL, 0, 100},
		{"bytes=10-", 100, RANGE_PARTIAL, 10, 90},
		{"bytes=10-19", 100, RANGE_PARTIAL, 10, 10},
		{"bytes=90-500", 100, RANGE_PARTIAL, 90, 10},
		{"bytes=-30", 100, RANGE_PARTIAL, 70, 30},
		{"bytes=-300", 100, RANGE_PARTIAL, 0, 100},
		{"bytes=100-", 100, RANGE_UNSATISFIABLE, 0, 0},
		{"bytes=-0", 100, RANGE_UNSATISFIABLE, 0, 0},
		{"bytes=0-", 0, RANGE_UNSATISFIABLE, 0, 0},
		{"bytes=20-10", 100, RANGE_NONE, 0, 0},
		{"bytes=0-1,5-6", 100, RANGE_NONE, 0, 0},
		{"bytes=-", 100, RANGE_NONE, 0, 0},
		{"items=0-1", 100, RANGE_NONE, 0, 0},
		{"bytes=a-b", 100, RANGE_NONE, 0, 0},
		{"bytes=99999999999999999999-", 100, RANGE_NONE, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		uint64_t off = 0, len = 0;
		int r = http_range(cases[i].h, cases[i].size, &off, &len);
		if (r != cases[i].r)
			fail_msg("%s: %d, want %d", cases[i].h ? cases[i].h : "(none)", r, cases[i].r);
		if (r == RANGE_PARTIAL) {
			assert_int_equal(off, cases[i].off);
			assert_int_equal(len, cases[i].len);
		}
	}
}

static void hostport_table(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int ok;
	} cases[] = {
		{"127.0.0.1:5683", 0}, {"[::1]:5684", 0}, {"0.0.0.0:0", 0},
		{"127.0.0.1", -1}, {":5683", -1}, {"127.0.0.1:", -1}, {"127.0.0.1:65536", -1},
		{"127.0.0.1:12x", -1}, {"localhost:5683", -1}, {"::1:5683", -1}, {"[::1]5683", -1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct sockaddr_storage ss;
		socklen_t len;
		char err[128];
		int r = hostport_parse(cases[i].in, &ss, &len, err, sizeof err);
		if (r != cases[i].ok)
			fail_msg("%s: %d, want %d", cases[i].in, r, cases[i].ok);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_table),  cmocka_unit_test(link_table),  cmocka_unit_test(link_bounds),
		cmocka_unit_test(imei_table),   cmocka_unit_test(tlv_table),   cmocka_unit_test(json_table),
		cmocka_unit_test(range_table),  cmocka_unit_test(hostport_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
