/* Fuzz target: the module-side XMODEM receiver (sim/xmodem_recv.c).
 *
 * The input is a little program for a sender: raw bytes, clock advances,
 * and well-formed, corrupted or cut blocks. Checked:
 * - every stored block is 128 or 1024 bytes at the next offset, and its
 *   whole frame (header, number, complement, data, check in the engine's
 *   mode) appears in what was sent: nothing is stored that did not pass
 *   the check, whether the fuzzer built the frame or stumbled on one;
 * - blocks stored <= ACKs sent, and bytes stored a multiple of 128;
 * - input() always makes progress once its output is drained;
 * - once input stops and time moves on, the engine ends in a bounded
 *   number of timer steps and no longer asks to be woken.
 *
 * Program, one op per leading byte:
 *   0x00-0x3F  n = (op & 0x3F) + 1 raw bytes follow
 *   0x40-0x7F  advance ((op & 0x1F) << 8 | next) * 4 ms; bit 0x20: jump
 *              straight there (a late caller) instead of waking at each
 *              deadline on the way
 *   0x80-0xFF  a block: 0x01 1k, 0x02 CRC, 0x04 number from the next byte
 *              (else the expected one), then a data seed byte; 0x08 flip a
 *              bit (position from the next byte), 0x10 cut it short (length
 *              from the next byte), 0x20 send it in two halves 300 ms apart
 * The first byte picks the config (start with 'C' or NAK, window). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sarafw/xmodem.h"
#include "xmodem_recv.h"

#define HISTORY_MAX (256 * 1024)

static uint8_t history[HISTORY_MAX];
static size_t history_len;
static uint64_t now;
static uint64_t acks;
static struct simx x;

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			abort();                                                                   \
	} while (0)

static void drain(void)
{
	const uint8_t *p;
	size_t n = simx_output(&x, &p);
	CHECK(n <= SIMX_OUT_MAX);
	for (size_t i = 0; i < n; i++)
		acks += p[i] == SARAFW_XMODEM_ACK;
	simx_output_consume(&x, n);
}

static size_t build(uint8_t *f, uint8_t blk, size_t n, const uint8_t *d, bool crc)
{
	memcpy(f + 3, d, n);
	return sarafw_xmodem_seal(f, blk, n, crc);
}

static int sink(void *ctx, uint32_t off, const uint8_t *d, size_t n)
{
	uint64_t *stored = ctx;
	const struct simx_stats *s = simx_stats(&x);
	uint8_t f[SIMX_FRAME_MAX];

	CHECK(n == 128 || n == 1024);
	CHECK(off == *stored && off == s->bytes);
	CHECK(s->mode_known);
	/* The frame this block must have come in, in the engine's mode. */
	size_t len = build(f, (uint8_t)(s->blocks + 1), n, d, s->crc_mode);
	CHECK(memmem(history, history_len, f, len) != NULL);
	*stored += n;
	return 0;
}

static void feed(const uint8_t *d, size_t n)
{
	if (n > HISTORY_MAX - history_len)
		n = HISTORY_MAX - history_len;
	memcpy(history + history_len, d, n);
	history_len += n;
	for (size_t off = 0; off < n;) {
		size_t k = simx_input(&x, d + off, n - off, now);
		drain();
		CHECK(k > 0 || off == n); /* progress once drained */
		off += k;
	}
}

static void advance(uint64_t ms, bool jump)
{
	uint64_t end = now + ms;
	if (!jump) {
		for (int steps = 0; steps < 10000; steps++) {
			uint64_t d = simx_next_deadline(&x);
			if (d > end)
				break;
			if (d > now)
				now = d;
			simx_tick(&x, now);
			drain();
			CHECK(simx_next_deadline(&x) > now); /* a timer that fired moved on */
		}
	}
	now = end;
	simx_tick(&x, now);
	drain();
}

static uint8_t rnd_next(uint32_t *v)
{
	*v = *v * 1103515245u + 12345u;
	return (uint8_t)(*v >> 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct simx_config cfg;
	uint64_t stored = 0;
	size_t i = 0;

	history_len = 0;
	acks = 0;
	now = 5000;
	simx_config_default(&cfg);
	if (size > 0) {
		uint8_t c = data[i++];
		cfg.c_count = c & 3;
		if (c & 4)
			cfg.start_window_ms = 120000;
		if (c & 8)
			cfg.purge_ms = 200;
	}
	cfg.sink = sink;
	cfg.sink_ctx = &stored;
	simx_init(&x, &cfg, now);
	drain();

	while (i < size) {
		uint8_t op = data[i++];
		if (op < 0x40) {
			size_t n = (size_t)(op & 0x3F) + 1;
			if (n > size - i)
				n = size - i;
			feed(data + i, n);
			i += n;
		} else if (op < 0x80) {
			uint8_t lo = i < size ? data[i++] : 0;
			advance((uint64_t)(((op & 0x1F) << 8) | lo) * 4, op & 0x20);
		} else {
			uint8_t d[1024], f[SIMX_FRAME_MAX];
			size_t n = op & 0x01 ? 1024 : 128;
			uint8_t blk = (uint8_t)(simx_stats(&x)->blocks + 1);
			if ((op & 0x04) && i < size)
				blk = data[i++];
			uint32_t v = i < size ? data[i++] : 0;
			for (size_t k = 0; k < n; k++)
				d[k] = rnd_next(&v);
			if (v & 0x100)
				memset(d + n / 2, SARAFW_XMODEM_PAD, n - n / 2); /* a padded tail */
			size_t len = build(f, blk, n, d, op & 0x02);
			if ((op & 0x08) && i < size) {
				size_t pos = (size_t)data[i++] * len / 256;
				f[pos] ^= (uint8_t)(1u << (pos & 7));
			}
			if ((op & 0x10) && i < size)
				len = (size_t)data[i++] * len / 256;
			if (op & 0x20) {
				feed(f, len / 2);
				advance(300, false);
				feed(f + len / 2, len - len / 2);
			} else {
				feed(f, len);
			}
		}
		CHECK(stored == simx_stats(&x)->bytes);
		CHECK(stored % 128 == 0);
		CHECK(simx_stats(&x)->blocks <= acks);
	}

	/* The line goes quiet: the engine must finish on its own. */
	for (int steps = 0; simx_status(&x) == SIMX_RUNNING; steps++) {
		uint64_t d = simx_next_deadline(&x);
		CHECK(steps < 200);
		CHECK(d != SIMX_NO_DEADLINE && d >= now);
		CHECK(d - now <= 120000);
		now = d;
		simx_tick(&x, now);
		drain();
	}
	CHECK(simx_next_deadline(&x) == SIMX_NO_DEADLINE);
	CHECK(simx_poll_timeout(&x, now) == -1);
	CHECK(stored == simx_stats(&x)->bytes);
	CHECK(simx_stats(&x)->blocks <= acks);
	return 0;
}
