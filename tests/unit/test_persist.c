/* The host's state record (sarafw/persist.h) and the reset it guards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/dev.h"
#include "sarafw/error.h"
#include "sarafw/persist.h"
#include "sarafw/xmodem.h"

static const sarafw_persist installing = {
	.state = SARAFW_PERSIST_INSTALLING, .method = SARAFW_DL_UFWUPD, .since = 1234567, .max_ms = 35 * 60000,
};

static void test_round_trip(void **state)
{
	(void)state;
	uint8_t buf[SARAFW_PERSIST_SIZE + 4];
	sarafw_persist r;
	assert_int_equal(sarafw_persist_encode(&installing, buf, sizeof buf), SARAFW_PERSIST_SIZE);
	assert_memory_equal(buf, "SRFW", 4);
	assert_int_equal(buf[4], SARAFW_PERSIST_VERSION);
	assert_int_equal(sarafw_persist_decode(&r, buf, SARAFW_PERSIST_SIZE), SARAFW_OK);
	assert_int_equal(r.state, SARAFW_PERSIST_INSTALLING);
	assert_int_equal(r.method, SARAFW_DL_UFWUPD);
	assert_int_equal(r.since, 1234567);
	assert_int_equal(r.max_ms, 35 * 60000);
	assert_true(sarafw_persist_installing(&r));
	/* longer input: the record is read, the rest ignored */
	assert_int_equal(sarafw_persist_decode(&r, buf, sizeof buf), SARAFW_OK);
}

static const sarafw_persist ftp_rec = {
	.state = SARAFW_PERSIST_DOWNLOADING, .method = SARAFW_DL_FTP, .flags = SARAFW_PERSIST_F_RESUME,
	.since = 77, .max_ms = 1800000, .stored = 524288, .total = 1048576, .name_hash = 0xdeadbeef,
};

static void put_crc(uint8_t *buf, size_t body)
{
	uint16_t crc = sarafw_xmodem_crc16(0, buf, body);
	buf[body] = (uint8_t)crc;
	buf[body + 1] = (uint8_t)(crc >> 8);
}

/* The v2 layout, byte by byte (include/sarafw/persist.h). */
static void test_v2_layout(void **state)
{
	(void)state;
	uint8_t buf[SARAFW_PERSIST_SIZE];
	sarafw_persist r;
	static const uint8_t want[30] = { 'S', 'R', 'F', 'W', 2, 1, SARAFW_DL_FTP, 1, 77, 0, 0, 0,
					  0x40, 0x77, 0x1b, 0, 0, 0, 8, 0, 0, 0, 0x10, 0,
					  0xef, 0xbe, 0xad, 0xde, 0, 0 };
	assert_int_equal(SARAFW_PERSIST_SIZE, 32);
	assert_int_equal(sarafw_persist_encode(&ftp_rec, buf, sizeof buf), 32);
	assert_memory_equal(buf, want, sizeof want);
	uint16_t crc = sarafw_xmodem_crc16(0, buf, 30);
	assert_int_equal(buf[30], crc & 0xff);
	assert_int_equal(buf[31], crc >> 8);
	assert_int_equal(sarafw_persist_size(buf, sizeof buf), 32);
	assert_int_equal(sarafw_persist_decode(&r, buf, sizeof buf), SARAFW_OK);
	assert_int_equal(r.state, SARAFW_PERSIST_DOWNLOADING);
	assert_int_equal(r.method, SARAFW_DL_FTP);
	assert_int_equal(r.flags, SARAFW_PERSIST_F_RESUME);
	assert_int_equal(r.stored, 524288);
	assert_int_equal(r.total, 1048576);
	assert_int_equal(r.name_hash, 0xdeadbeef);
	assert_false(sarafw_persist_installing(&r));
}

/* A version 1 record, as a host wrote it before v2, still reads. */
static void test_v1_decodes(void **state)
{
	(void)state;
	uint8_t v1[SARAFW_PERSIST_V1_SIZE + 6] = { 'S', 'R', 'F', 'W', 1, SARAFW_PERSIST_INSTALLING, SARAFW_DL_UFWUPD, 0,
						   0x87, 0xd6, 0x12, 0, 0x20, 0x0b, 0x20, 0 };
	sarafw_persist r;
	put_crc(v1, 16);
	memcpy(v1 + SARAFW_PERSIST_V1_SIZE, "R410M\n", 6); /* the CLI's state file keeps a name after it */
	assert_int_equal(sarafw_persist_size(v1, sizeof v1), SARAFW_PERSIST_V1_SIZE);
	assert_int_equal(sarafw_persist_decode(&r, v1, SARAFW_PERSIST_V1_SIZE), SARAFW_OK);
	assert_int_equal(r.state, SARAFW_PERSIST_INSTALLING);
	assert_int_equal(r.method, SARAFW_DL_UFWUPD);
	assert_int_equal(r.since, 1234567);
	assert_int_equal(r.max_ms, 35 * 60000);
	assert_int_equal(r.stored, 0);
	assert_int_equal(r.total, 0);
	assert_int_equal(r.name_hash, 0);
	assert_true(sarafw_persist_installing(&r));
	assert_int_equal(sarafw_persist_decode(&r, v1, sizeof v1), SARAFW_OK);
	/* v1 truncated */
	for (size_t n = 0; n < SARAFW_PERSIST_V1_SIZE; n++)
		assert_int_equal(sarafw_persist_decode(&r, v1, n), SARAFW_EINVAL);
	/* v1's byte 7 was reserved: a flag there is corruption */
	v1[7] = 1;
	put_crc(v1, 16);
	assert_int_equal(sarafw_persist_decode(&r, v1, SARAFW_PERSIST_V1_SIZE), SARAFW_EPROTO);
}

/* Bad input, one row each: what the decoder says. */
static void test_bad_table(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		size_t at;       /* byte to change (SIZE: none) */
		uint8_t value;
		bool fix_crc;
		size_t len;      /* bytes given */
		int want;
	} rows[] = {
		{ "empty", SARAFW_PERSIST_SIZE, 0, false, 0, SARAFW_EINVAL },
		{ "header only", SARAFW_PERSIST_SIZE, 0, false, 5, SARAFW_EINVAL },
		{ "v2 cut to a v1 length", SARAFW_PERSIST_SIZE, 0, false, SARAFW_PERSIST_V1_SIZE, SARAFW_EINVAL },
		{ "v2 less its last byte", SARAFW_PERSIST_SIZE, 0, false, SARAFW_PERSIST_SIZE - 1, SARAFW_EINVAL },
		{ "bad magic", 0, 'X', true, SARAFW_PERSIST_SIZE, SARAFW_EPROTO },
		{ "bad CRC", 30, 0x55, false, SARAFW_PERSIST_SIZE, SARAFW_EPROTO },
		{ "stored byte changed", 17, 0x09, false, SARAFW_PERSIST_SIZE, SARAFW_EPROTO },
		{ "unknown version 3", 4, 3, true, SARAFW_PERSIST_SIZE, SARAFW_ENOTSUP },
		{ "unknown version 0", 4, 0, true, SARAFW_PERSIST_SIZE, SARAFW_ENOTSUP },
		{ "state out of range", 5, 9, true, SARAFW_PERSIST_SIZE, SARAFW_EPROTO },
		{ "method out of range", 6, 42, true, SARAFW_PERSIST_SIZE, SARAFW_EPROTO },
		{ "unknown flag", 7, 0x82, true, SARAFW_PERSIST_SIZE, SARAFW_EPROTO },
		{ "stored above total", 22, 0x01, true, SARAFW_PERSIST_SIZE, SARAFW_EPROTO },
		{ "reserved byte set", 28, 1, true, SARAFW_PERSIST_SIZE, SARAFW_EPROTO },
		{ "reserved byte set", 29, 0x80, true, SARAFW_PERSIST_SIZE, SARAFW_EPROTO },
	};
	uint8_t good[SARAFW_PERSIST_SIZE], buf[SARAFW_PERSIST_SIZE];
	sarafw_persist r;
	assert_int_equal(sarafw_persist_encode(&ftp_rec, good, sizeof good), SARAFW_PERSIST_SIZE);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		memcpy(buf, good, sizeof buf);
		if (rows[i].at < SARAFW_PERSIST_SIZE)
			buf[rows[i].at] = rows[i].value;
		if (rows[i].fix_crc)
			put_crc(buf, 30);
		int rc = sarafw_persist_decode(&r, buf, rows[i].len);
		if (rc != rows[i].want)
			fail_msg("%s: got %d, want %d", rows[i].what, rc, rows[i].want);
		assert_int_equal(r.state, SARAFW_PERSIST_IDLE);
		assert_int_equal(r.name_hash, 0);
	}
	assert_int_equal(sarafw_persist_size(good, 4), 0);
	assert_int_equal(sarafw_persist_size(NULL, 32), 0);
}

static void test_hash(void **state)
{
	(void)state;
	/* FNV-1a 32 reference values */
	assert_int_equal(sarafw_persist_hash("a"), 0xe40c292c);
	assert_int_equal(sarafw_persist_hash("foobar"), 0xbf9cf968);
	assert_int_equal(sarafw_persist_hash(""), 0x811c9dc5);
	assert_int_not_equal(sarafw_persist_hash("fw.bin"), sarafw_persist_hash("fw.bim"));
	assert_int_not_equal(sarafw_persist_hash(NULL), 0);
}

static void test_bad_records(void **state)
{
	(void)state;
	uint8_t good[SARAFW_PERSIST_SIZE], buf[SARAFW_PERSIST_SIZE];
	sarafw_persist r;
	assert_int_equal(sarafw_persist_encode(&installing, good, sizeof good), SARAFW_PERSIST_SIZE);

	/* truncated */
	for (size_t n = 0; n < SARAFW_PERSIST_SIZE; n++) {
		assert_int_equal(sarafw_persist_decode(&r, good, n), SARAFW_EINVAL);
		assert_false(sarafw_persist_installing(&r));
	}
	/* every single bit flipped: caught by magic, version or CRC */
	for (size_t i = 0; i < SARAFW_PERSIST_SIZE * 8; i++) {
		memcpy(buf, good, sizeof buf);
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
		assert_int_not_equal(sarafw_persist_decode(&r, buf, sizeof buf), SARAFW_OK);
		assert_int_equal(r.state, SARAFW_PERSIST_IDLE);
	}
	/* nor will an invalid one be written */
	sarafw_persist ok = installing;
	ok.state = (sarafw_persist_state)9;
	assert_int_equal(sarafw_persist_validate(&ok), SARAFW_EPROTO);
	assert_int_equal(sarafw_persist_encode(&ok, buf, sizeof buf), SARAFW_EINVAL);
	ok = ftp_rec;
	ok.stored = ok.total + 1;
	assert_int_equal(sarafw_persist_encode(&ok, buf, sizeof buf), SARAFW_EINVAL);
	ok.total = 0; /* unknown total: any stored count */
	assert_int_equal(sarafw_persist_encode(&ok, buf, sizeof buf), SARAFW_PERSIST_SIZE);
	assert_int_equal(sarafw_persist_encode(&installing, buf, SARAFW_PERSIST_SIZE - 1), SARAFW_EINVAL);
	assert_int_equal(sarafw_persist_decode(NULL, good, sizeof good), SARAFW_EINVAL);
}

/* A port with a reset line and a small "flash". */
typedef struct {
	uint8_t flash[SARAFW_PERSIST_SIZE];
	size_t stored;
	int resets;
} board;

static int b_write(void *ctx, const uint8_t *b, size_t n) { (void)ctx, (void)b; return (int)n; }
static int b_read(void *ctx, uint8_t *b, size_t n, uint32_t t) { (void)ctx, (void)b, (void)n, (void)t; return 0; }
static uint32_t b_now(void *ctx) { (void)ctx; return 0; }
static int b_reset(void *ctx) { ((board *)ctx)->resets++; return SARAFW_OK; }

static int b_save(void *ctx, const void *rec, size_t len)
{
	board *b = ctx;
	memcpy(b->flash, rec, len);
	b->stored = len;
	return SARAFW_OK;
}

static int b_load(void *ctx, void *rec, size_t len)
{
	board *b = ctx;
	size_t n = b->stored < len ? b->stored : len;
	memcpy(rec, b->flash, n);
	return (int)n;
}

typedef struct {
	board b;
	sarafw_port port;
	sarafw_dev dev;
	char line[64];
} rig;

static void rig_up(rig *r, bool storage)
{
	memset(r, 0, sizeof *r);
	r->port = (sarafw_port){ .ctx = &r->b, .write = b_write, .read = b_read, .now_ms = b_now,
				 .reset = b_reset };
	if (storage) {
		r->port.save_state = b_save;
		r->port.load_state = b_load;
	}
	sarafw_dev_config cfg = { .port = &r->port, .line_buf = r->line, .line_buf_size = sizeof r->line };
	assert_int_equal(sarafw_dev_init(&r->dev, &cfg), SARAFW_OK);
}

static void test_reset_refused_while_installing(void **state)
{
	(void)state;
	rig r;
	sarafw_persist rec;
	rig_up(&r, true);
	/* nothing stored: reset allowed */
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_OK);
	assert_int_equal(r.b.resets, 1);
	assert_int_equal(sarafw_dev_save_state(&r.dev, &installing), SARAFW_OK);
	assert_int_equal(r.b.stored, SARAFW_PERSIST_SIZE);
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_EINSTALL);
	assert_int_equal(r.b.resets, 1);

	/* the host reboots: a fresh dev knows it only from the record */
	board kept = r.b;
	rig_up(&r, true);
	r.b = kept;
	assert_int_equal(sarafw_dev_load_state(&r.dev, &rec), SARAFW_OK);
	assert_true(sarafw_persist_installing(&rec));
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_EINSTALL);
	assert_int_equal(r.b.resets, 1);

	/* the install ended: an idle record allows it again */
	sarafw_persist idle = { .state = SARAFW_PERSIST_IDLE };
	assert_int_equal(sarafw_dev_save_state(&r.dev, &idle), SARAFW_OK);
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_OK);
	assert_int_equal(r.b.resets, 2);

	/* a record that cannot be read might hide an install: no reset */
	r.b.flash[9] ^= 0x40;
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_EPROTO);
	assert_int_equal(r.b.resets, 2);
}

static void test_reset_without_storage(void **state)
{
	(void)state;
	rig r;
	sarafw_persist rec;
	rig_up(&r, false);
	assert_int_equal(sarafw_dev_load_state(&r.dev, &rec), SARAFW_ENOTSUP);
	/* not stored, but this run of the host remembers it */
	assert_int_equal(sarafw_dev_save_state(&r.dev, &installing), SARAFW_ENOTSUP);
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_EINSTALL);
	assert_int_equal(r.b.resets, 0);
	r.port.reset = NULL;
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_ENOTSUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_v2_layout),
		cmocka_unit_test(test_v1_decodes),
		cmocka_unit_test(test_bad_table),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_reset_refused_while_installing),
		cmocka_unit_test(test_reset_without_storage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
