/* common/sahara.c: every packet round-trips; the bytes of each layout
 * are checked against hand-written little-endian packets laid out as
 * linux-msm/qdl src/sahara.c declares them (struct sahara_pkt,
 * SAHARA_*_LENGTH); a table of bad input (short, wrong length field,
 * unknown command, a READ_DATA beyond 32 bits, no room) with the error
 * each must give; a stream of packets decodes one by one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sahara.h"

/* qdl src/sahara.c: HELLO = cmd 1, len 0x30, version, compatible,
 * max_len, mode, 6 reserved words */
static const uint8_t hello_bytes[0x30] = {
	0x01, 0, 0, 0, 0x30, 0, 0, 0, 0x02, 0, 0, 0, 0x01, 0, 0, 0, 0x00, 0x04, 0, 0, 0x00, 0, 0, 0,
};
/* READ_DATA = cmd 3, len 0x14, image, offset, length */
static const uint8_t read_bytes[0x14] = {
	0x03, 0, 0, 0, 0x14, 0, 0, 0, 0x0d, 0, 0, 0, 0x00, 0x10, 0, 0, 0x00, 0x02, 0, 0,
};
/* READ_DATA64 = cmd 0x12, len 0x20, image, offset, length as u64 */
static const uint8_t read64_bytes[0x20] = {
	0x12, 0, 0, 0, 0x20, 0, 0, 0, 0x0d, 0, 0, 0, 0, 0, 0, 0,
	0x00, 0, 0, 0, 0x01, 0, 0, 0, 0x00, 0x10, 0, 0, 0, 0, 0, 0,
};
/* END_OF_IMAGE = cmd 4, len 0x10, image, status */
static const uint8_t eoi_bytes[0x10] = { 0x04, 0, 0, 0, 0x10, 0, 0, 0, 0x0d, 0, 0, 0, 0x14, 0, 0, 0 };
/* DONE_RESP = cmd 6, len 0xc, status */
static const uint8_t done_resp_bytes[0x0c] = { 0x06, 0, 0, 0, 0x0c, 0, 0, 0, 0x01, 0, 0, 0 };
static const uint8_t done_bytes[8] = { 0x05, 0, 0, 0, 0x08, 0, 0, 0 };
static const uint8_t reset_bytes[8] = { 0x07, 0, 0, 0, 0x08, 0, 0, 0 };

static void layouts_match_qdl(void **state)
{
	(void)state;
	struct sahara_pkt p = { .cmd = SAHARA_HELLO };
	uint8_t out[SAHARA_PKT_MAX + 8];
	p.u.hello.version = 2;
	p.u.hello.compatible = 1;
	p.u.hello.max_len_or_status = 1024;
	assert_int_equal(sahara_encode(&p, out, sizeof out), 0x30);
	assert_memory_equal(out, hello_bytes, 0x30);

	memset(&p, 0, sizeof p);
	p.cmd = SAHARA_READ_DATA;
	p.u.read.image = 13;
	p.u.read.offset = 4096;
	p.u.read.length = 512;
	assert_int_equal(sahara_encode(&p, out, sizeof out), 0x14);
	assert_memory_equal(out, read_bytes, 0x14);

	p.cmd = SAHARA_READ_DATA64;
	p.u.read.offset = 1ull << 32;
	p.u.read.length = 4096;
	assert_int_equal(sahara_encode(&p, out, sizeof out), 0x20);
	assert_memory_equal(out, read64_bytes, 0x20);

	memset(&p, 0, sizeof p);
	p.cmd = SAHARA_END_OF_IMAGE;
	p.u.eoi.image = 13;
	p.u.eoi.status = SAHARA_STATUS_INVALID_ELF_HDR;
	assert_int_equal(sahara_encode(&p, out, sizeof out), 0x10);
	assert_memory_equal(out, eoi_bytes, 0x10);

	memset(&p, 0, sizeof p);
	p.cmd = SAHARA_DONE_RESP;
	p.u.done.status = SAHARA_DONE_COMPLETE;
	assert_int_equal(sahara_encode(&p, out, sizeof out), 0x0c);
	assert_memory_equal(out, done_resp_bytes, 0x0c);

	memset(&p, 0, sizeof p);
	p.cmd = SAHARA_DONE;
	assert_int_equal(sahara_encode(&p, out, sizeof out), 8);
	assert_memory_equal(out, done_bytes, 8);
	p.cmd = SAHARA_RESET;
	assert_int_equal(sahara_encode(&p, out, sizeof out), 8);
	assert_memory_equal(out, reset_bytes, 8);
}

static void decodes_each_layout(void **state)
{
	(void)state;
	struct sahara_pkt p;
	assert_int_equal(sahara_decode(hello_bytes, sizeof hello_bytes, &p), 0x30);
	assert_int_equal(p.cmd, SAHARA_HELLO);
	assert_int_equal(p.u.hello.version, 2);
	assert_int_equal(p.u.hello.compatible, 1);
	assert_int_equal(p.u.hello.max_len_or_status, 1024);
	assert_int_equal(p.u.hello.mode, SAHARA_MODE_IMAGE_TX_PENDING);
	assert_int_equal(sahara_decode(read_bytes, sizeof read_bytes, &p), 0x14);
	assert_int_equal(p.u.read.image, 13);
	assert_int_equal(p.u.read.offset, 4096);
	assert_int_equal(p.u.read.length, 512);
	assert_int_equal(sahara_decode(read64_bytes, sizeof read64_bytes, &p), 0x20);
	assert_int_equal(p.cmd, SAHARA_READ_DATA64);
	assert_true(p.u.read.offset == 1ull << 32);
	assert_int_equal(p.u.read.length, 4096);
	assert_int_equal(sahara_decode(eoi_bytes, sizeof eoi_bytes, &p), 0x10);
	assert_int_equal(p.u.eoi.image, 13);
	assert_int_equal(p.u.eoi.status, 0x14);
	assert_int_equal(sahara_decode(done_resp_bytes, sizeof done_resp_bytes, &p), 0x0c);
	assert_int_equal(p.u.done.status, 1);
	assert_int_equal(sahara_decode(reset_bytes, sizeof reset_bytes, &p), 8);
	assert_int_equal(p.cmd, SAHARA_RESET);
	assert_string_equal(sahara_cmd_name(SAHARA_READ_DATA64), "READ_DATA64");
	assert_string_equal(sahara_cmd_name(0x99), "?");
}

static void roundtrip_every_command(void **state)
{
	(void)state;
	static const uint32_t all[] = { SAHARA_HELLO,     SAHARA_HELLO_RESP, SAHARA_READ_DATA,
		                        SAHARA_END_OF_IMAGE, SAHARA_DONE,   SAHARA_DONE_RESP,
		                        SAHARA_RESET,     SAHARA_RESET_RESP, SAHARA_READ_DATA64 };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		struct sahara_pkt p = { .cmd = all[i] }, q;
		uint8_t out[SAHARA_PKT_MAX + 1];
		out[SAHARA_PKT_MAX] = 0xa5; /* canary */
		switch (all[i]) {
		case SAHARA_HELLO:
		case SAHARA_HELLO_RESP:
			p.u.hello.version = 2, p.u.hello.compatible = 1, p.u.hello.max_len_or_status = 7,
			p.u.hello.mode = 3;
			break;
		case SAHARA_READ_DATA:
			p.u.read.image = 1, p.u.read.offset = 0xfffffff0u, p.u.read.length = 16;
			break;
		case SAHARA_READ_DATA64:
			p.u.read.image = 1, p.u.read.offset = UINT64_MAX - 5, p.u.read.length = 5;
			break;
		case SAHARA_END_OF_IMAGE:
			p.u.eoi.image = 9, p.u.eoi.status = 0;
			break;
		case SAHARA_DONE_RESP:
			p.u.done.status = 0;
			break;
		}
		int n = sahara_encode(&p, out, SAHARA_PKT_MAX);
		assert_int_equal((size_t)n, sahara_cmd_len(all[i]));
		assert_int_equal(out[SAHARA_PKT_MAX], 0xa5);
		/* every prefix is "need more" */
		for (int k = 0; k < n; k++)
			assert_int_equal(sahara_decode(out, (size_t)k, &q), 0);
		assert_int_equal(sahara_decode(out, (size_t)n, &q), n);
		p.len = (uint32_t)n;
		assert_memory_equal(&p, &q, sizeof p);
	}
}

struct bad {
	const char *name;
	uint8_t bytes[40];
	size_t len;
	int want;
};

static const struct bad bad_input[] = {
	{ .name = "empty", .len = 0, .want = 0 },
	{ .name = "half a header", .bytes = { 1, 0, 0, 0 }, .len = 4, .want = 0 },
	{ .name = "unknown command 0", .bytes = { 0, 0, 0, 0, 8, 0, 0, 0 }, .len = 8, .want = SAHARA_E_CMD },
	{ .name = "unknown command 0x13", .bytes = { 0x13, 0, 0, 0, 8, 0, 0, 0 }, .len = 8, .want = SAHARA_E_CMD },
	{ .name = "command in high byte", .bytes = { 1, 0, 0, 1, 0x30, 0, 0, 0 }, .len = 8, .want = SAHARA_E_CMD },
	{ .name = "HELLO with length 0", .bytes = { 1, 0, 0, 0, 0, 0, 0, 0 }, .len = 8, .want = SAHARA_E_LEN },
	{ .name = "HELLO with length 0x2c", .bytes = { 1, 0, 0, 0, 0x2c }, .len = 8, .want = SAHARA_E_LEN },
	{ .name = "HELLO with length 4 GB", .bytes = { 1, 0, 0, 0, 0x30, 0, 0, 1 }, .len = 8, .want = SAHARA_E_LEN },
	{ .name = "READ_DATA with READ_DATA64's length", .bytes = { 3, 0, 0, 0, 0x20 }, .len = 32, .want = SAHARA_E_LEN },
	{ .name = "READ_DATA64 with READ_DATA's length", .bytes = { 0x12, 0, 0, 0, 0x14 }, .len = 20, .want = SAHARA_E_LEN },
	{ .name = "DONE with a body", .bytes = { 5, 0, 0, 0, 0x0c }, .len = 12, .want = SAHARA_E_LEN },
	{ .name = "DONE_RESP without its status", .bytes = { 6, 0, 0, 0, 0x08 }, .len = 8, .want = SAHARA_E_LEN },
	{ .name = "END_OF_IMAGE cut short", .bytes = { 4, 0, 0, 0, 0x10, 0, 0, 0, 1 }, .len = 12, .want = 0 },
	{ .name = "ASCII where a packet belongs", .bytes = "<?xml version", .len = 13, .want = SAHARA_E_CMD },
	{ .name = "AT where a packet belongs", .bytes = "AT\r\nAT\r\n", .len = 8, .want = SAHARA_E_CMD },
};

static void bad_input_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_input / sizeof bad_input[0]; i++) {
		struct sahara_pkt p;
		uint8_t copy[40];
		memcpy(copy, bad_input[i].bytes, sizeof copy);
		int rc = sahara_decode(copy, bad_input[i].len, &p);
		if (rc != bad_input[i].want)
			fail_msg("%s: got %d, want %d", bad_input[i].name, rc, bad_input[i].want);
	}
}

static void encode_refuses(void **state)
{
	(void)state;
	uint8_t out[SAHARA_PKT_MAX];
	struct sahara_pkt p = { .cmd = 0x42 };
	assert_int_equal(sahara_encode(&p, out, sizeof out), SAHARA_E_CMD);
	p.cmd = SAHARA_HELLO;
	assert_int_equal(sahara_encode(&p, out, 0x2f), SAHARA_E_SPACE);
	p.cmd = SAHARA_READ_DATA;
	p.u.read.offset = 1ull << 32; /* needs READ_DATA64 */
	assert_int_equal(sahara_encode(&p, out, sizeof out), SAHARA_E_SPACE);
	p.cmd = SAHARA_DONE;
	assert_int_equal(sahara_encode(&p, out, 7), SAHARA_E_SPACE);
}

static void stream_of_packets(void **state)
{
	(void)state;
	uint8_t s[0x30 + 0x14 + 0x10 + 0x0c];
	size_t n = 0;
	memcpy(s + n, hello_bytes, 0x30), n += 0x30;
	memcpy(s + n, read_bytes, 0x14), n += 0x14;
	memcpy(s + n, eoi_bytes, 0x10), n += 0x10;
	memcpy(s + n, done_resp_bytes, 0x0c), n += 0x0c;
	static const uint32_t want[] = { SAHARA_HELLO, SAHARA_READ_DATA, SAHARA_END_OF_IMAGE, SAHARA_DONE_RESP };
	size_t off = 0;
	for (size_t i = 0; i < 4; i++) {
		struct sahara_pkt p;
		int rc = sahara_decode(s + off, n - off, &p);
		assert_true(rc > 0);
		assert_int_equal(p.cmd, want[i]);
		off += (size_t)rc;
	}
	assert_int_equal(off, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layouts_match_qdl),     cmocka_unit_test(decodes_each_layout),
		cmocka_unit_test(roundtrip_every_command), cmocka_unit_test(bad_input_table),
		cmocka_unit_test(encode_refuses),        cmocka_unit_test(stream_of_packets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
