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
	/* every single bit flipped: caught by magic or CRC */
	for (size_t i = 0; i < SARAFW_PERSIST_SIZE * 8; i++) {
		memcpy(buf, good, sizeof buf);
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
		assert_int_not_equal(sarafw_persist_decode(&r, buf, sizeof buf), SARAFW_OK);
		assert_int_equal(r.state, SARAFW_PERSIST_IDLE);
	}
	/* bad magic */
	memcpy(buf, good, sizeof buf);
	buf[0] = 'X';
	assert_int_equal(sarafw_persist_decode(&r, buf, sizeof buf), SARAFW_EPROTO);
	/* a newer version, CRC fixed up: not understood */
	sarafw_persist ok = installing;
	assert_int_equal(sarafw_persist_encode(&ok, buf, sizeof buf), SARAFW_PERSIST_SIZE);
	buf[4] = SARAFW_PERSIST_VERSION + 1;
	uint16_t crc = sarafw_xmodem_crc16(0, buf, 16);
	buf[16] = (uint8_t)crc;
	buf[17] = (uint8_t)(crc >> 8);
	assert_int_equal(sarafw_persist_decode(&r, buf, sizeof buf), SARAFW_ENOTSUP);
	/* a state out of range, CRC fixed up */
	memcpy(buf, good, sizeof buf);
	buf[5] = 9;
	crc = sarafw_xmodem_crc16(0, buf, 16);
	buf[16] = (uint8_t)crc;
	buf[17] = (uint8_t)(crc >> 8);
	assert_int_equal(sarafw_persist_decode(&r, buf, sizeof buf), SARAFW_EPROTO);
	/* nor will it be written */
	ok.state = (sarafw_persist_state)9;
	assert_int_equal(sarafw_persist_validate(&ok), SARAFW_EPROTO);
	assert_int_equal(sarafw_persist_encode(&ok, buf, sizeof buf), SARAFW_EINVAL);
	assert_int_equal(sarafw_persist_encode(&installing, buf, SARAFW_PERSIST_SIZE - 1), SARAFW_EINVAL);
	assert_int_equal(sarafw_persist_decode(NULL, good, sizeof good), SARAFW_EINVAL);
}

/* A port with a reset line and a small "flash". */
typedef struct {
	uint8_t flash[32];
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
		cmocka_unit_test(test_reset_refused_while_installing),
		cmocka_unit_test(test_reset_without_storage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
