/* Module-side XMODEM receiver (sim/xmodem_recv.c) against a scripted
 * sender on a fake clock. Times are those of note §5.1.1 and Forsberg. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/xmodem.h"
#include "xmodem_recv.h"

#define SOH SARAFW_XMODEM_SOH
#define STX SARAFW_XMODEM_STX
#define EOT SARAFW_XMODEM_EOT
#define ACK SARAFW_XMODEM_ACK
#define NAK SARAFW_XMODEM_NAK
#define CAN SARAFW_XMODEM_CAN

#define STORE_MAX (512 * 1024)
#define LOG_MAX 4096

struct rig {
	struct simx x;
	uint64_t now;
	uint8_t *store;
	size_t stored;
	int refuse_at; /* sink refuses the block at this offset/128, -1 never */
	uint8_t log[LOG_MAX]; /* every byte the engine sent */
	uint64_t log_t[LOG_MAX];
	size_t nlog, seen;
};

static int sink(void *ctx, uint32_t off, const uint8_t *d, size_t n)
{
	struct rig *r = ctx;
	assert_int_equal(off, r->stored);
	assert_true(n == 128 || n == 1024);
	if (r->refuse_at >= 0 && off / 128 == (uint32_t)r->refuse_at)
		return -1;
	assert_true(r->stored + n <= STORE_MAX);
	memcpy(r->store + r->stored, d, n);
	r->stored += n;
	return 0;
}

static void drain(struct rig *r)
{
	const uint8_t *p;
	size_t n = simx_output(&r->x, &p);
	for (size_t i = 0; i < n && r->nlog < LOG_MAX; i++) {
		r->log[r->nlog] = p[i];
		r->log_t[r->nlog++] = r->now;
	}
	simx_output_consume(&r->x, n);
}

static struct rig *rig_new(const struct simx_config *base)
{
	struct rig *r = calloc(1, sizeof *r);
	struct simx_config cfg;
	assert_non_null(r);
	r->store = calloc(1, STORE_MAX);
	assert_non_null(r->store);
	r->refuse_at = -1;
	r->now = 1000000; /* the engine's clock need not start at 0 */
	if (base)
		cfg = *base;
	else
		simx_config_default(&cfg);
	cfg.sink = sink;
	cfg.sink_ctx = r;
	simx_init(&r->x, &cfg, r->now);
	drain(r);
	return r;
}

static void rig_free(struct rig *r)
{
	free(r->store);
	free(r);
}

static void feed(struct rig *r, const uint8_t *d, size_t n)
{
	size_t off = 0;
	while (off < n) {
		size_t k = simx_input(&r->x, d + off, n - off, r->now);
		off += k;
		drain(r);
		assert_true(k > 0 || off == n);
	}
	drain(r);
}

static void feed1(struct rig *r, uint8_t c)
{
	feed(r, &c, 1);
}

/* Moves the clock by ms, waking at every deadline on the way, as the
 * simulator's poll loop would. */
static void advance(struct rig *r, uint64_t ms)
{
	uint64_t end = r->now + ms;
	for (;;) {
		uint64_t d = simx_next_deadline(&r->x);
		if (d > end)
			break;
		if (d > r->now)
			r->now = d;
		simx_tick(&r->x, r->now);
		drain(r);
		assert_true(simx_next_deadline(&r->x) > r->now);
	}
	r->now = end;
}

/* The bytes sent since the last call, as a string of
 * 'C', 'N' (NAK), 'A' (ACK), 'X' (CAN). */
static const char *said(struct rig *r)
{
	static char s[LOG_MAX + 1];
	size_t k = 0;
	for (; r->seen < r->nlog; r->seen++) {
		uint8_t c = r->log[r->seen];
		s[k++] = c == 'C' ? 'C' : c == NAK ? 'N' : c == ACK ? 'A' : c == CAN ? 'X' : '?';
	}
	s[k] = 0;
	return s;
}

static void pattern(uint8_t *d, size_t n, unsigned seed)
{
	uint32_t v = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		v = v * 1103515245u + 12345u;
		d[i] = (uint8_t)(v >> 16);
	}
}

/* One frame: header, number, complement, data, CRC-16 or checksum. */
static size_t frame(uint8_t *f, uint8_t blk, size_t n, const uint8_t *data, int crc)
{
	memcpy(f + 3, data, n);
	return sarafw_xmodem_seal(f, blk, n, crc);
}

static void send_block(struct rig *r, uint8_t blk, size_t n, unsigned seed, int crc)
{
	uint8_t d[1024], f[SIMX_FRAME_MAX];
	pattern(d, n, seed);
	feed(r, f, frame(f, blk, n, d, crc));
}

static void expect_data(struct rig *r, size_t off, size_t n, unsigned seed)
{
	uint8_t d[1024];
	pattern(d, n, seed);
	assert_true(off + n <= r->stored);
	assert_memory_equal(r->store + off, d, n);
}

/* EOT, silence, NAK, EOT, ACK (Forsberg). */
static void finish_eot(struct rig *r)
{
	feed1(r, EOT);
	assert_string_equal(said(r), "");
	advance(r, 999);
	assert_string_equal(said(r), "");
	advance(r, 1);
	assert_string_equal(said(r), "N");
	feed1(r, EOT);
	assert_string_equal(said(r), "A");
	assert_int_equal(simx_status(&r->x), SIMX_DONE);
}

static void crc_start_in_c_window(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	assert_string_equal(said(r), "C");
	advance(r, 3000);
	assert_string_equal(said(r), "C");
	advance(r, 1500);
	send_block(r, 1, 128, 1, 1);
	assert_string_equal(said(r), "A");
	assert_true(simx_stats(&r->x)->crc_mode);
	/* No more start characters once the transfer is on. */
	advance(r, 9000);
	assert_string_equal(said(r), "");
	send_block(r, 2, 128, 2, 1);
	assert_string_equal(said(r), "A");
	finish_eot(r);
	assert_int_equal(r->stored, 256);
	expect_data(r, 0, 128, 1);
	expect_data(r, 128, 128, 2);
	assert_int_equal(simx_stats(&r->x)->blocks, 2);
	assert_int_equal(simx_stats(&r->x)->retries, 0);
	rig_free(r);
}

static void checksum_start_after_nak_switch(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	advance(r, 9000);
	assert_string_equal(said(r), "CCCN");
	assert_int_equal(r->log_t[1] - r->log_t[0], 3000);
	assert_int_equal(r->log_t[3] - r->log_t[0], 9000);
	advance(r, 2000);
	send_block(r, 1, 128, 7, 0);
	assert_string_equal(said(r), "A");
	assert_false(simx_stats(&r->x)->crc_mode);
	send_block(r, 2, 1024, 8, 0); /* 1k with checksum is legal too */
	assert_string_equal(said(r), "A");
	finish_eot(r);
	expect_data(r, 0, 128, 7);
	expect_data(r, 128, 1024, 8);
	rig_free(r);
}

/* The edge of the C phase: a header just before the first NAK is CRC,
 * one at the moment of the first NAK is checksum. */
static void mode_switch_edge(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	advance(r, 8999);
	send_block(r, 1, 128, 1, 1);
	assert_string_equal(said(r), "CCCA");
	assert_true(simx_stats(&r->x)->crc_mode);
	rig_free(r);

	r = rig_new(NULL);
	r->now += 9000; /* the caller wakes only for the data */
	send_block(r, 1, 128, 1, 0);
	assert_string_equal(said(r), "CNA");
	assert_false(simx_stats(&r->x)->crc_mode);
	rig_free(r);
}

static void nak_start_when_no_c(void **state)
{
	(void)state;
	struct simx_config cfg;
	simx_config_default(&cfg);
	cfg.c_count = 0;
	struct rig *r = rig_new(&cfg);
	assert_string_equal(said(r), "N");
	send_block(r, 1, 128, 3, 0);
	assert_string_equal(said(r), "A");
	assert_false(simx_stats(&r->x)->crc_mode);
	rig_free(r);
}

/* note §5.1.1: three 'C' 3 s apart, ten NAK 10 s apart, 109 s in all. */
static void full_window_timeout(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	uint64_t t0 = r->now;
	static const uint64_t at[] = {0, 3000, 6000, 9000, 19000, 29000, 39000,
				      49000, 59000, 69000, 79000, 89000, 99000};
	assert_int_equal(simx_poll_timeout(&r->x, r->now), 3000);
	advance(r, 108999);
	assert_int_equal(simx_status(&r->x), SIMX_RUNNING);
	advance(r, 1);
	assert_int_equal(simx_status(&r->x), SIMX_TIMEOUT);
	assert_int_equal(simx_reason(&r->x), SIMX_R_START_TIMEOUT);
	assert_string_equal(said(r), "CCCNNNNNNNNNN");
	for (size_t i = 0; i < 13; i++)
		assert_int_equal(r->log_t[i] - t0, at[i]);
	assert_int_equal(simx_stats(&r->x)->start_chars, 13);
	assert_int_equal(simx_next_deadline(&r->x), SIMX_NO_DEADLINE);
	assert_int_equal(simx_poll_timeout(&r->x, r->now), -1);
	advance(r, 100000);
	assert_string_equal(said(r), "");
	/* Data after the window is ignored. */
	send_block(r, 1, 128, 1, 0);
	assert_string_equal(said(r), "");
	assert_int_equal(r->stored, 0);
	rig_free(r);
}

/* SARA-R410M: a ~2 minute window (note §5.1.2), set by the config. */
static void longer_window(void **state)
{
	(void)state;
	struct simx_config cfg;
	simx_config_default(&cfg);
	cfg.start_window_ms = 120000;
	struct rig *r = rig_new(&cfg);
	advance(r, 119999);
	assert_string_equal(said(r), "CCCNNNNNNNNNN");
	assert_int_equal(simx_status(&r->x), SIMX_RUNNING);
	advance(r, 1);
	assert_int_equal(simx_status(&r->x), SIMX_TIMEOUT);
	rig_free(r);
}

/* A caller that wakes late gets one start character, not a burst. */
static void late_caller_no_burst(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	r->now += 25000;
	simx_tick(&r->x, r->now);
	drain(r);
	assert_string_equal(said(r), "CN");
	assert_int_equal(simx_next_deadline(&r->x) - r->now, 4000);
	rig_free(r);
}

static void mixed_block_sizes(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	static const size_t sz[] = {128, 1024, 128, 128, 1024, 1024, 128};
	size_t off = 0;
	assert_string_equal(said(r), "C");
	for (unsigned i = 0; i < 7; i++) {
		send_block(r, (uint8_t)(i + 1), sz[i], 100 + i, 1);
		assert_string_equal(said(r), "A");
	}
	finish_eot(r);
	for (unsigned i = 0; i < 7; i++) {
		expect_data(r, off, sz[i], 100 + i);
		off += sz[i];
	}
	assert_int_equal(r->stored, off);
	assert_int_equal(simx_stats(&r->x)->bytes, off);
	assert_int_equal(simx_stats(&r->x)->blocks, 7);
	assert_int_equal(simx_stats(&r->x)->blocks_1k, 3);
	rig_free(r);
}

/* Block numbers are modulo 256: 255 is followed by 0. */
static void block_number_wraps(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	assert_string_equal(said(r), "C");
	for (unsigned i = 1; i <= 600; i++) {
		send_block(r, (uint8_t)i, i % 3 ? 128 : 1024, i, 1);
		assert_string_equal(said(r), "A");
	}
	finish_eot(r);
	size_t off = 0;
	for (unsigned i = 1; i <= 600; i++) {
		size_t n = i % 3 ? 128 : 1024;
		expect_data(r, off, n, i);
		off += n;
	}
	assert_int_equal(simx_stats(&r->x)->blocks, 600);
	rig_free(r);
}

/* Data keeps the 0x1A padding. */
static void padding_kept(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	uint8_t d[128], f[SIMX_FRAME_MAX];
	memset(d, SARAFW_XMODEM_PAD, sizeof d);
	d[0] = 'x';
	feed(r, f, frame(f, 1, 128, d, 1));
	assert_string_equal(said(r), "CA");
	finish_eot(r);
	assert_int_equal(r->stored, 128);
	assert_memory_equal(r->store, d, 128);
	rig_free(r);
}

static void duplicate_acked_and_dropped(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	send_block(r, 1, 128, 1, 1);
	send_block(r, 1, 128, 1, 1); /* our ACK was lost */
	assert_string_equal(said(r), "CAA");
	assert_int_equal(simx_stats(&r->x)->duplicates, 1);
	assert_int_equal(r->stored, 128);
	send_block(r, 2, 1024, 2, 1);
	assert_string_equal(said(r), "A");
	expect_data(r, 128, 1024, 2);
	rig_free(r);
}

static void out_of_sequence_cancels(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	send_block(r, 1, 128, 1, 1);
	send_block(r, 3, 128, 3, 1);
	assert_string_equal(said(r), "CAXX");
	assert_int_equal(simx_status(&r->x), SIMX_FAILED);
	assert_int_equal(simx_reason(&r->x), SIMX_R_SEQUENCE);
	assert_int_equal(r->stored, 128);
	rig_free(r);

	/* The first block must be 1; block 0 is not "the previous one". */
	for (int first = 0; first <= 2; first += 2) {
		r = rig_new(NULL);
		send_block(r, (uint8_t)first, 128, 1, 1);
		assert_string_equal(said(r), "CXX");
		assert_int_equal(simx_reason(&r->x), SIMX_R_SEQUENCE);
		rig_free(r);
	}
}

static void bad_crc_nak_then_good(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	uint8_t d[1024], f[SIMX_FRAME_MAX];
	send_block(r, 1, 128, 1, 1);
	pattern(d, 1024, 2);
	size_t n = frame(f, 2, 1024, d, 1);
	f[500] ^= 0x10;
	feed(r, f, n);
	assert_string_equal(said(r), "CA"); /* NAK waits for silence */
	advance(r, 1000);
	assert_string_equal(said(r), "N");
	f[500] ^= 0x10;
	feed(r, f, n);
	assert_string_equal(said(r), "A");
	assert_int_equal(simx_stats(&r->x)->bad_check, 1);
	assert_int_equal(simx_stats(&r->x)->retries, 1);
	expect_data(r, 128, 1024, 2);
	rig_free(r);
}

static void bad_checksum_and_crc_bytes(void **state)
{
	(void)state;
	uint8_t d[128], f[SIMX_FRAME_MAX];
	pattern(d, 128, 5);
	/* Checksum mode: the last byte wrong. */
	struct simx_config cfg;
	simx_config_default(&cfg);
	cfg.c_count = 0;
	struct rig *r = rig_new(&cfg);
	size_t n = frame(f, 1, 128, d, 0);
	f[n - 1] ^= 1;
	feed(r, f, n);
	advance(r, 1000);
	assert_string_equal(said(r), "NN");
	rig_free(r);
	/* CRC mode: either CRC byte wrong. */
	for (int k = 1; k <= 2; k++) {
		r = rig_new(NULL);
		n = frame(f, 1, 128, d, 1);
		f[n - (size_t)k] ^= 0x80;
		feed(r, f, n);
		advance(r, 1000);
		assert_string_equal(said(r), "CN");
		assert_int_equal(r->stored, 0);
		rig_free(r);
	}
}

static void bad_complement_naks(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	uint8_t d[128], f[SIMX_FRAME_MAX];
	pattern(d, 128, 1);
	size_t n = frame(f, 1, 128, d, 1);
	f[2] ^= 0x01;
	feed(r, f, n);
	advance(r, 1000);
	assert_string_equal(said(r), "CN");
	assert_int_equal(simx_stats(&r->x)->bad_header, 1);
	f[2] ^= 0x01;
	feed(r, f, n);
	assert_string_equal(said(r), "A");
	rig_free(r);
}

/* Forsberg: 1 s between the characters of a block. */
static void short_block_times_out(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	uint8_t d[128], f[SIMX_FRAME_MAX];
	pattern(d, 128, 1);
	size_t n = frame(f, 1, 128, d, 1);
	feed(r, f, 60);
	advance(r, 500);
	feed(r, f + 60, 10); /* still trickling: the timer restarts */
	advance(r, 999);
	assert_string_equal(said(r), "C");
	advance(r, 1);
	assert_string_equal(said(r), "N");
	assert_int_equal(simx_stats(&r->x)->short_blocks, 1);
	feed(r, f, n);
	assert_string_equal(said(r), "A");
	expect_data(r, 0, 128, 1);
	rig_free(r);
}

/* Bytes keep coming after a bad block: the NAK waits until they stop. */
static void purge_waits_for_silence(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	uint8_t junk[200];
	send_block(r, 1, 128, 1, 1);
	memset(junk, 0x55, sizeof junk);
	feed(r, junk, sizeof junk); /* garbage where a header is due */
	for (int i = 0; i < 5; i++) {
		advance(r, 900);
		feed(r, junk, 10);
	}
	assert_string_equal(said(r), "CA");
	advance(r, 1000);
	assert_string_equal(said(r), "N");
	send_block(r, 2, 128, 2, 1);
	assert_string_equal(said(r), "A");
	assert_true(simx_stats(&r->x)->garbage > 0);
	rig_free(r);
}

/* Endless noise: the purge ends after purge_max_ms, errors add up, and
 * the transfer ends. */
static void endless_noise_terminates(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	uint8_t junk[16];
	memset(junk, 0x55, sizeof junk);
	send_block(r, 1, 128, 1, 1);
	for (int i = 0; i < 2000 && simx_status(&r->x) == SIMX_RUNNING; i++) {
		advance(r, 100);
		feed(r, junk, sizeof junk);
	}
	assert_int_equal(simx_status(&r->x), SIMX_FAILED);
	assert_int_equal(simx_reason(&r->x), SIMX_R_RETRIES);
	assert_string_equal(said(r), "CANNNNNNNNNNXX");
	rig_free(r);
}

static void garbage_between_blocks(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	send_block(r, 1, 128, 1, 1);
	feed(r, (const uint8_t *)"\r\nAT\r\n", 6);
	advance(r, 1000);
	assert_string_equal(said(r), "CAN");
	send_block(r, 2, 128, 2, 1);
	assert_string_equal(said(r), "A");
	finish_eot(r);
	assert_int_equal(r->stored, 256);
	rig_free(r);
}

/* AT commands inside the start window are not accepted (note §5.1.1):
 * ignored, the 'C's go on and the transfer still starts. */
static void garbage_in_start_window(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	advance(r, 1000);
	feed(r, (const uint8_t *)"AT+CGMR\r", 8);
	feed1(r, EOT);
	feed1(r, CAN);
	feed1(r, 'x');
	advance(r, 2000);
	assert_string_equal(said(r), "CC");
	send_block(r, 1, 128, 1, 1);
	assert_string_equal(said(r), "A");
	assert_true(simx_stats(&r->x)->crc_mode);
	rig_free(r);
}

static void eot_resent_after_done(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	send_block(r, 1, 128, 1, 1);
	assert_string_equal(said(r), "CA");
	finish_eot(r);
	/* The sender missed our ACK and tries again. */
	advance(r, 10000);
	feed1(r, EOT);
	assert_string_equal(said(r), "A");
	feed1(r, EOT);
	assert_string_equal(said(r), "A");
	feed(r, (const uint8_t *)"zz", 2);
	assert_string_equal(said(r), "");
	assert_int_equal(simx_status(&r->x), SIMX_DONE);
	assert_int_equal(simx_next_deadline(&r->x), SIMX_NO_DEADLINE);
	rig_free(r);
}

/* Our NAK to the first EOT is lost: the sender times out and resends it. */
static void eot_nak_lost(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	send_block(r, 1, 128, 1, 1);
	feed1(r, EOT);
	advance(r, 1000 + 10000);
	assert_string_equal(said(r), "CANN"); /* first EOT's NAK, then timeout */
	feed1(r, EOT);
	assert_string_equal(said(r), "A");
	assert_int_equal(simx_status(&r->x), SIMX_DONE);
	rig_free(r);
}

/* A sender that sends EOT again before our NAK: taken as confirmed. */
static void eot_eot_back_to_back(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	send_block(r, 1, 128, 1, 1);
	feed(r, (const uint8_t[]){EOT, EOT}, 2);
	assert_string_equal(said(r), "CAA");
	assert_int_equal(simx_status(&r->x), SIMX_DONE);
	rig_free(r);
}

/* A header garbled into EOT is followed by the rest of the block: it is
 * purged and NAKed, and the resend is taken. */
static void garbled_header_looks_like_eot(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	uint8_t d[128], f[SIMX_FRAME_MAX];
	send_block(r, 1, 128, 1, 1);
	pattern(d, 128, 2);
	size_t n = frame(f, 2, 128, d, 1);
	f[0] = EOT;
	feed(r, f, n);
	advance(r, 1000);
	assert_string_equal(said(r), "CAN");
	f[0] = SOH;
	feed(r, f, n);
	assert_string_equal(said(r), "A");
	finish_eot(r);
	assert_int_equal(r->stored, 256);
	rig_free(r);
}

/* After an EOT was NAKed, a block means the EOT was noise. */
static void block_after_naked_eot(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	send_block(r, 1, 128, 1, 1);
	feed1(r, EOT);
	advance(r, 1000);
	send_block(r, 2, 128, 2, 1);
	assert_string_equal(said(r), "CANA");
	finish_eot(r); /* a later EOT is NAKed afresh */
	rig_free(r);
}

static void can_can_aborts(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	send_block(r, 1, 128, 1, 1);
	feed1(r, CAN);
	assert_int_equal(simx_status(&r->x), SIMX_RUNNING);
	feed1(r, CAN);
	assert_int_equal(simx_status(&r->x), SIMX_CANCELLED);
	assert_int_equal(simx_reason(&r->x), SIMX_R_SENDER_CAN);
	assert_string_equal(said(r), "CA");
	rig_free(r);

	/* In the start window too. */
	r = rig_new(NULL);
	feed(r, (const uint8_t[]){CAN, CAN}, 2);
	assert_int_equal(simx_status(&r->x), SIMX_CANCELLED);
	rig_free(r);

	/* One CAN alone is not a cancel. */
	r = rig_new(NULL);
	send_block(r, 1, 128, 1, 1);
	feed1(r, CAN);
	send_block(r, 2, 128, 2, 1);
	assert_string_equal(said(r), "CAA");
	assert_int_equal(simx_status(&r->x), SIMX_RUNNING);
	rig_free(r);
}

static void retry_exhaustion_cancels(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	uint8_t d[128], f[SIMX_FRAME_MAX];
	send_block(r, 1, 128, 1, 1);
	pattern(d, 128, 2);
	size_t n = frame(f, 2, 128, d, 1);
	f[10] ^= 4;
	for (int i = 0; i < 10; i++) {
		feed(r, f, n);
		advance(r, 1000);
		assert_string_equal(said(r), i ? "N" : "CAN");
	}
	feed(r, f, n);
	assert_string_equal(said(r), "XX");
	assert_int_equal(simx_status(&r->x), SIMX_FAILED);
	assert_int_equal(simx_reason(&r->x), SIMX_R_RETRIES);
	assert_int_equal(simx_stats(&r->x)->retries, 10);
	rig_free(r);
}

/* A good block resets the count: 10 errors per block, not per transfer. */
static void retries_are_per_block(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	uint8_t d[128], f[SIMX_FRAME_MAX];
	for (unsigned b = 1; b <= 3; b++) {
		pattern(d, 128, b);
		size_t n = frame(f, (uint8_t)b, 128, d, 1);
		f[10] ^= 4;
		for (int i = 0; i < 10; i++) {
			feed(r, f, n);
			advance(r, 1000);
		}
		f[10] ^= 4;
		feed(r, f, n);
	}
	assert_int_equal(simx_status(&r->x), SIMX_RUNNING);
	assert_int_equal(simx_stats(&r->x)->retries, 30);
	assert_int_equal(r->stored, 384);
	rig_free(r);
}

/* Forsberg: 10 s for the next header, then NAK; bounded. */
static void silent_sender_times_out(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	send_block(r, 1, 128, 1, 1);
	uint64_t t = r->now;
	advance(r, 9999);
	assert_string_equal(said(r), "CA");
	advance(r, 1);
	assert_string_equal(said(r), "N");
	send_block(r, 2, 128, 2, 1); /* the resend after the NAK */
	assert_string_equal(said(r), "A");
	t = r->now;
	advance(r, 200000);
	assert_string_equal(said(r), "NNNNNNNNNNXX");
	assert_int_equal(r->log_t[r->nlog - 1] - t, 110000);
	assert_int_equal(simx_status(&r->x), SIMX_FAILED);
	assert_int_equal(simx_reason(&r->x), SIMX_R_SILENCE);
	rig_free(r);
}

/* Repeated duplicates (every ACK lost) end the transfer too. */
static void endless_duplicates_terminate(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	for (int i = 0; i < 30 && simx_status(&r->x) == SIMX_RUNNING; i++)
		send_block(r, 1, 128, 1, 1);
	assert_int_equal(simx_status(&r->x), SIMX_FAILED);
	assert_int_equal(simx_stats(&r->x)->duplicates, 11);
	assert_string_equal(said(r), "CAAAAAAAAAAAXX");
	assert_int_equal(r->stored, 128);
	rig_free(r);
}

static void sink_refusal_cancels(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	r->refuse_at = 1;
	send_block(r, 1, 128, 1, 1);
	send_block(r, 2, 128, 2, 1);
	assert_string_equal(said(r), "CAXX");
	assert_int_equal(simx_status(&r->x), SIMX_FAILED);
	assert_int_equal(simx_reason(&r->x), SIMX_R_SINK);
	assert_int_equal(simx_stats(&r->x)->blocks, 1);
	rig_free(r);
}

static void local_cancel(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	simx_cancel(&r->x);
	drain(r);
	assert_string_equal(said(r), "CXX");
	assert_int_equal(simx_reason(&r->x), SIMX_R_LOCAL);
	simx_cancel(&r->x);
	drain(r);
	assert_string_equal(said(r), "");
	rig_free(r);
}

/* The block may arrive in pieces of any size. */
static void byte_by_byte(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	uint8_t d[1024], f[SIMX_FRAME_MAX];
	pattern(d, 1024, 9);
	size_t n = frame(f, 1, 1024, d, 1);
	for (size_t i = 0; i < n; i++) {
		feed(r, f + i, 1);
		if (i % 100 == 0)
			advance(r, 999);
	}
	assert_string_equal(said(r), "CA");
	expect_data(r, 0, 1024, 9);
	rig_free(r);
}

/* Several frames in one read. */
static void frames_in_one_read(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	uint8_t d[128], buf[4 * SIMX_FRAME_MAX];
	size_t n = 0;
	for (unsigned b = 1; b <= 3; b++) {
		pattern(d, 128, b);
		n += frame(buf + n, (uint8_t)b, 128, d, 1);
	}
	buf[n++] = EOT;
	feed(r, buf, n);
	assert_string_equal(said(r), "CAAA");
	advance(r, 1000);
	assert_string_equal(said(r), "N");
	rig_free(r);
}

/* The reply buffer is bounded: input stops until the caller drains it. */
static void backpressure(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	uint8_t eots[64];
	send_block(r, 1, 128, 1, 1);
	feed(r, (const uint8_t[]){EOT, EOT}, 2);
	memset(eots, EOT, sizeof eots);
	size_t k = simx_input(&r->x, eots, sizeof eots, r->now);
	assert_true(k < sizeof eots);
	assert_true(k >= SIMX_OUT_MAX - 2);
	const uint8_t *p;
	assert_int_equal(simx_output(&r->x, &p), k);
	simx_output_consume(&r->x, 3);
	assert_int_equal(simx_output(&r->x, &p), k - 3);
	rig_free(r);
}

static void strings(void **state)
{
	(void)state;
	for (int s = SIMX_RUNNING; s <= SIMX_FAILED; s++)
		assert_string_not_equal(simx_status_str((enum simx_status)s), "?");
	for (int s = SIMX_R_NONE; s <= SIMX_R_LOCAL; s++)
		assert_string_not_equal(simx_reason_str((enum simx_reason)s), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc_start_in_c_window),
		cmocka_unit_test(checksum_start_after_nak_switch),
		cmocka_unit_test(mode_switch_edge),
		cmocka_unit_test(nak_start_when_no_c),
		cmocka_unit_test(full_window_timeout),
		cmocka_unit_test(longer_window),
		cmocka_unit_test(late_caller_no_burst),
		cmocka_unit_test(mixed_block_sizes),
		cmocka_unit_test(block_number_wraps),
		cmocka_unit_test(padding_kept),
		cmocka_unit_test(duplicate_acked_and_dropped),
		cmocka_unit_test(out_of_sequence_cancels),
		cmocka_unit_test(bad_crc_nak_then_good),
		cmocka_unit_test(bad_checksum_and_crc_bytes),
		cmocka_unit_test(bad_complement_naks),
		cmocka_unit_test(short_block_times_out),
		cmocka_unit_test(purge_waits_for_silence),
		cmocka_unit_test(endless_noise_terminates),
		cmocka_unit_test(garbage_between_blocks),
		cmocka_unit_test(garbage_in_start_window),
		cmocka_unit_test(eot_resent_after_done),
		cmocka_unit_test(eot_nak_lost),
		cmocka_unit_test(eot_eot_back_to_back),
		cmocka_unit_test(garbled_header_looks_like_eot),
		cmocka_unit_test(block_after_naked_eot),
		cmocka_unit_test(can_can_aborts),
		cmocka_unit_test(retry_exhaustion_cancels),
		cmocka_unit_test(retries_are_per_block),
		cmocka_unit_test(silent_sender_times_out),
		cmocka_unit_test(endless_duplicates_terminate),
		cmocka_unit_test(sink_refusal_cancels),
		cmocka_unit_test(local_cancel),
		cmocka_unit_test(byte_by_byte),
		cmocka_unit_test(frames_in_one_read),
		cmocka_unit_test(backpressure),
		cmocka_unit_test(strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
