/* XMODEM sender engine against a small, independent receiver model
 * written from Forsberg's description, with a per-frame fault script. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/error.h"
#include "sarafw/xmodem.h"

#define MAX_FILE 300000u
#define NO_ANSWER ((size_t)-1)

/* ---- the package, read through the callback ---- */

static uint8_t file[MAX_FILE];

struct src {
	uint32_t size;
	uint32_t fail_at; /* fail the read that covers this offset; UINT32_MAX: never */
	int fail_ret;     /* what the failing read returns */
	uint32_t reads;
	uint32_t offs[64]; /* offsets of the first reads */
};

static size_t bufsz; /* the engine's buffer size in this run */

static int src_read(void *ctx, uint32_t off, uint8_t *buf, size_t len)
{
	struct src *s = ctx;
	assert_true(len > 0);
	assert_true(len <= 1024);
	assert_true(len <= bufsz); /* read in place, into the engine's buffer */
	assert_true((uint64_t)off + len <= s->size); /* never past the package */
	if (s->reads < 64)
		s->offs[s->reads] = off;
	s->reads++;
	if (s->fail_at != UINT32_MAX && s->fail_at >= off && s->fail_at < off + len)
		return s->fail_ret;
	memcpy(buf, file + off, len);
	return (int)len;
}

static void fill(uint32_t size, uint32_t seed)
{
	for (uint32_t i = 0; i < size; i++) {
		seed = seed * 1103515245u + 12345u;
		file[i] = (uint8_t)(seed >> 16);
	}
}

/* ---- the receiver model ---- */

static size_t S_size(void);

enum act {
	A_OK,      /* check the frame, answer as a receiver does */
	A_NAK,     /* pretend the frame was damaged */
	A_LOSTACK, /* accept the frame, but the ACK is lost on the line */
	A_LOST,    /* the frame never arrives */
	A_DUPACK,  /* answer ACK ACK in one burst */
	A_NOISE,   /* answer noise, then normally */
	A_CAN,     /* answer CAN CAN */
	A_ONECAN,  /* one CAN (noise), then normally */
};

struct rx {
	uint8_t data[MAX_FILE + 1024];
	size_t len;
	uint8_t expect; /* next block number */
	int crc;
	int eot_naks;   /* NAK this many EOTs first (lrzsz rx NAKs the first) */
	int eots;
	int done;
	int cans;       /* CAN bytes the sender wrote */
	int bad_ok;     /* a frame with a wrong check is NAKed, not a test failure */
	unsigned bad;   /* such frames */
	unsigned frames, stx, soh, dups;
	enum act script[64]; /* action for frame i; A_OK beyond */
	enum act always;     /* action for every frame after the script */
	unsigned nscript;
};

static uint16_t ref_crc(const uint8_t *p, size_t n)
{
	/* Independent of lib/xmodem_frame.c: table-free CRC-CCITT, MSB first. */
	uint32_t c = 0;
	for (size_t i = 0; i < n; i++) {
		c ^= (uint32_t)p[i] << 8;
		for (int b = 0; b < 8; b++) {
			c <<= 1;
			if (c & 0x10000u)
				c ^= 0x11021u;
		}
	}
	return (uint16_t)c;
}

/* Takes one frame from the sender; writes the answer to ans and returns
 * its length, or NO_ANSWER when the receiver stays silent. */
static size_t rx_frame(struct rx *r, const uint8_t *f, size_t n, uint8_t *ans)
{
	enum act a = r->frames < r->nscript ? r->script[r->frames] : r->always;
	size_t k = 0;

	r->frames++;
	if (f[0] == SARAFW_XMODEM_CAN) {
		for (size_t i = 0; i < n; i++)
			assert_int_equal(f[i], SARAFW_XMODEM_CAN);
		r->cans += (int)n;
		return NO_ANSWER;
	}
	if (a == A_LOST)
		return NO_ANSWER;
	if (f[0] == SARAFW_XMODEM_EOT) {
		assert_int_equal(n, 1);
		r->eots++;
		if (a == A_NAK || r->eots <= r->eot_naks) {
			ans[0] = SARAFW_XMODEM_NAK;
			return 1;
		}
		r->done = 1;
		ans[0] = SARAFW_XMODEM_ACK;
		return a == A_LOSTACK ? NO_ANSWER : 1;
	}

	size_t bs = f[0] == SARAFW_XMODEM_STX ? 1024 : 128;
	assert_true(f[0] == SARAFW_XMODEM_STX || f[0] == SARAFW_XMODEM_SOH);
	assert_int_equal(n, 3 + bs + (r->crc ? 2 : 1));
	assert_int_equal(f[1], (uint8_t)~f[2]);
	uint16_t want, got;
	if (r->crc) {
		want = ref_crc(f + 3, bs);
		got = (uint16_t)(f[3 + bs] << 8 | f[4 + bs]);
	} else {
		uint8_t s = 0;
		for (size_t i = 0; i < bs; i++)
			s = (uint8_t)(s + f[3 + i]);
		want = s;
		got = f[3 + bs];
	}
	if (want != got) {
		assert_true(r->bad_ok);
		r->bad++;
		ans[0] = SARAFW_XMODEM_NAK;
		return 1;
	}
	if (f[1] == r->expect) {
		/* byte for byte what sarafw_xmodem_seal makes of the same data */
		static uint8_t ref[SARAFW_XMODEM_BUF_1K];
		size_t have = S_size() - r->len < bs ? S_size() - r->len : bs;
		memcpy(ref + 3, file + r->len, have);
		memset(ref + 3 + have, SARAFW_XMODEM_PAD, bs - have);
		assert_int_equal(sarafw_xmodem_seal(ref, f[1], bs, r->crc), n);
		assert_memory_equal(ref, f, n);
	}
	if (a == A_NAK) {
		ans[0] = SARAFW_XMODEM_NAK;
		return 1;
	}
	if (f[1] == r->expect) {
		assert_true(r->len + bs <= sizeof r->data);
		memcpy(r->data + r->len, f + 3, bs);
		r->len += bs;
		r->expect++;
		if (bs == 1024)
			r->stx++;
		else
			r->soh++;
	} else {
		/* Forsberg: a repeat of the previous block is ACKed and dropped. */
		assert_int_equal(f[1], (uint8_t)(r->expect - 1));
		r->dups++;
	}
	switch (a) {
	case A_LOSTACK:
		return NO_ANSWER;
	case A_DUPACK:
		ans[k++] = SARAFW_XMODEM_ACK;
		break;
	case A_NOISE:
		memcpy(ans, "\r\nzz\x01", 5);
		k = 5;
		break;
	case A_CAN:
		ans[0] = ans[1] = SARAFW_XMODEM_CAN;
		return 2;
	case A_ONECAN:
		ans[k++] = SARAFW_XMODEM_CAN;
		break;
	default:
		break;
	}
	ans[k++] = SARAFW_XMODEM_ACK;
	return k;
}

/* ---- harness ---- */

static uint8_t blockbuf[2048 + 16];
static struct rx R;
static struct src S;
static sarafw_xmodem X;
static uint32_t now;

static size_t S_size(void)
{
	return S.size;
}

static void setup_rx(int crc)
{
	memset(&R, 0, sizeof R);
	R.expect = 1;
	R.crc = crc;
}

/* Starts a transfer with a buffer of buf bytes (0: a whole block). */
static void begin_buf(uint32_t size, uint16_t block, uint32_t t0, size_t buf)
{
	bufsz = buf ? buf : SARAFW_XMODEM_BUF_SIZE(block);
	assert_true(bufsz < sizeof blockbuf);
	sarafw_xmodem_config c = {
		.buf = blockbuf,
		.buf_size = bufsz,
		.size = size,
		.read = src_read,
		.ctx = &S,
		.block_size = block,
	};
	memset(&S, 0, sizeof S);
	S.size = size;
	S.fail_at = UINT32_MAX;
	memset(blockbuf, 0xEE, sizeof blockbuf);
	fill(size, size ^ 0x5A5A);
	now = t0;
	assert_int_equal(sarafw_xmodem_start(&X, &c, now), 0);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_XMODEM_RUNNING);
}

static void begin(uint32_t size, uint16_t block, uint32_t t0)
{
	begin_buf(size, block, t0, 0);
}

/* Line bytes of the frame that starts with f[0] in the receiver's mode;
 * 0 for CANs (as many as come). */
static size_t frame_len(uint8_t first)
{
	size_t check = R.crc ? 2 : 1;
	if (first == SARAFW_XMODEM_STX)
		return 3 + 1024 + check;
	if (first == SARAFW_XMODEM_SOH)
		return 3 + 128 + check;
	if (first == SARAFW_XMODEM_EOT)
		return 1;
	return 0;
}

static void feed(const void *p, size_t n)
{
	assert_int_equal(sarafw_xmodem_input(&X, p, n, now), n);
}

/* Runs the conversation; chunk > 0 writes the engine's output in pieces
 * of that size. A frame is what output() gives until it is complete. */
static int run(size_t chunk)
{
	uint8_t frame[SARAFW_XMODEM_BUF_1K + 64], ans[16];
	unsigned steps = 0;

	for (;;) {
		const uint8_t *p;
		size_t n = sarafw_xmodem_output(&X, &p), got = 0, want;

		assert_true(++steps < 100000);
		if (!n) {
			if (sarafw_xmodem_status(&X) != SARAFW_XMODEM_RUNNING)
				return sarafw_xmodem_status(&X);
			/* Silence: let the clock run to the engine's deadline. */
			uint32_t w = sarafw_xmodem_wait_ms(&X, now);
			assert_true(w != UINT32_MAX);
			now += w;
			sarafw_xmodem_tick(&X, now);
			continue;
		}
		want = frame_len(p[0]);
		while (n && (!want || got < want)) {
			size_t k = chunk && n > chunk ? chunk : n;
			assert_true(n <= bufsz);
			assert_true(p >= blockbuf && p + n <= blockbuf + bufsz);
			assert_int_equal(sarafw_xmodem_wait_ms(&X, now), 0);
			assert_true(got + k <= sizeof frame);
			memcpy(frame + got, p, k);
			got += k;
			now += 1;
			sarafw_xmodem_sent(&X, k, now);
			n = sarafw_xmodem_output(&X, &p);
		}
		assert_true(!want || got == want);
		assert_int_equal(blockbuf[bufsz], 0xEE); /* never written past the buffer */
		size_t a = rx_frame(&R, frame, got, ans);
		now += 2;
		if (a != NO_ANSWER)
			feed(ans, a);
		sarafw_xmodem_tick(&X, now);
	}
}

static void check_received(uint32_t size)
{
	assert_true(R.len >= size);
	assert_memory_equal(R.data, file, size);
	for (size_t i = size; i < R.len; i++)
		assert_int_equal(R.data[i], SARAFW_XMODEM_PAD);
	assert_true(R.len - size < 1024);
	uint32_t acked, total;
	sarafw_xmodem_progress(&X, &acked, &total);
	assert_int_equal(acked, size);
	assert_int_equal(total, size);
}

static const uint32_t sizes[] = {0, 1, 127, 128, 129, 1023, 1024, 1025, 300000};

static void sizes_run(int crc, uint16_t block)
{
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		uint32_t sz = sizes[i];
		setup_rx(crc);
		begin(sz, block, 1000);
		feed(crc ? "C" : "\x15", 1);
		assert_int_equal(run(0), 0);
		assert_true(R.done);
		check_received(sz);
		const sarafw_xmodem_stats *st = sarafw_xmodem_get_stats(&X);
		assert_int_equal(st->blocks, R.stx + R.soh);
		assert_int_equal(st->retransmissions, 0);
		assert_int_equal(st->naks, 0);
		assert_int_equal(st->garbage, 0);
		if (block == 128) {
			assert_int_equal(R.stx, 0);
			assert_int_equal(R.soh, (sz + 127) / 128);
		} else {
			/* 1k blocks, then a tail of at most 512 bytes in SOH blocks */
			uint32_t full = sz / 1024, rest = sz % 1024;
			if (rest > SARAFW_XMODEM_SHORT_TAIL) {
				full++;
				rest = 0;
			}
			assert_int_equal(R.stx, full);
			assert_int_equal(R.soh, (rest + 127) / 128);
		}
		/* one read per block with a whole-block buffer */
		assert_int_equal(S.reads, st->blocks);
	}
}

static void test_crc_128(void **st) { (void)st; sizes_run(1, 128); }
static void test_checksum_128(void **st) { (void)st; sizes_run(0, 128); }
static void test_crc_1k(void **st) { (void)st; sizes_run(1, 1024); }
static void test_checksum_1k(void **st) { (void)st; sizes_run(0, 1024); }

static void test_block_number_wraps(void **st)
{
	(void)st;
	setup_rx(1);
	begin(300000, 128, 0);
	feed("C", 1);
	assert_int_equal(run(0), 0);
	/* 2344 blocks: numbers went 1..255, 0..255, ... */
	assert_int_equal(R.soh, 2344);
	assert_int_equal(R.expect, (uint8_t)(2344 + 1));
	check_received(300000);
}

static void test_tail_split(void **st)
{
	(void)st;
	setup_rx(1);
	begin(1024 + 512, 1024, 0);
	feed("C", 1);
	assert_int_equal(run(0), 0);
	assert_int_equal(R.stx, 1);
	assert_int_equal(R.soh, 4);
	check_received(1024 + 512);

	setup_rx(1);
	begin(1024 + 513, 1024, 0);
	feed("C", 1);
	assert_int_equal(run(0), 0);
	assert_int_equal(R.stx, 2);
	assert_int_equal(R.soh, 0);
	check_received(1024 + 513);
}

static void test_garbage_before_start(void **st)
{
	(void)st;
	setup_rx(1);
	begin(1000, 1024, 0);
	/* note §5.1.1: the URC comes first; its text must not start us */
	feed("\r\n+UFWUPD: ONGOING\r\n", 20);
	const uint8_t *p;
	assert_int_equal(sarafw_xmodem_output(&X, &p), 0);
	feed("C", 1);
	assert_int_equal(run(0), 0);
	check_received(1000);
	assert_int_equal(sarafw_xmodem_get_stats(&X)->garbage, 0);
}

static void test_urc_with_c_before_start(void **st)
{
	(void)st;
	const uint8_t *p;
	setup_rx(1);
	begin(700, 128, 0);
	/* URCs may still come before the first 'C': their 'C's are text */
	feed("\r\n+CEREG: 1\r\n+CSCON: 0", 23);
	assert_int_equal(sarafw_xmodem_output(&X, &p), 0);
	feed("\r\n", 2);
	feed("CC", 2); /* line start: the module's request */
	assert_int_equal(sarafw_xmodem_output(&X, &p), 133);
	assert_int_equal(run(0), 0);
	check_received(700);

	/* noise then NAK: NAK is never text, checksum mode */
	setup_rx(0);
	begin(10, 128, 0);
	feed("xC", 2);
	assert_int_equal(sarafw_xmodem_output(&X, &p), 0);
	feed("\x15", 1);
	assert_int_equal(run(0), 0);
	check_received(10);
}

static void test_start_mode(void **st)
{
	(void)st;
	/* NAK then a stray 'C' in the same burst: a receiver never goes
	 * back from NAK to 'C', so checksum */
	setup_rx(0);
	begin(300, 128, 0);
	feed("\x15" "C", 2);
	assert_int_equal(run(0), 0);
	check_received(300);

	/* a host that read the line late finds the whole start schedule
	 * waiting (note §5.1.1: three 'C', then NAKs): the receiver has
	 * fallen back to checksum by now, and so must we */
	setup_rx(0);
	begin(300, 128, 0);
	feed("CCC\x15\x15", 5);
	assert_false(sarafw_xmodem_crc_mode(&X));
	assert_int_equal(run(0), 0);
	check_received(300);
	assert_int_equal(sarafw_xmodem_get_stats(&X)->retransmissions, 0);

	/* note §5.1.1: "CCC": the first 'C' starts, the others are late */
	setup_rx(1);
	begin(300, 128, 0);
	feed("C", 1);
	const uint8_t *p;
	uint8_t frame[133], ans[8];
	size_t n = sarafw_xmodem_output(&X, &p);
	assert_int_equal(n, 133);
	memcpy(frame, p, n);
	sarafw_xmodem_sent(&X, n, now);
	feed("C", 1); /* 3 s later, crossed our block on the line */
	assert_int_equal(sarafw_xmodem_output(&X, &p), 0);
	assert_int_equal(sarafw_xmodem_get_stats(&X)->garbage, 1);
	n = rx_frame(&R, frame, n, ans);
	feed(ans, n);
	assert_int_equal(run(0), 0);
	check_received(300);
	assert_int_equal(sarafw_xmodem_get_stats(&X)->retransmissions, 0);
}

static void test_nak_storm(void **st)
{
	(void)st;
	setup_rx(1);
	/* every block and the EOT NAKed three times before it passes */
	for (unsigned i = 0; i < 64; i++)
		R.script[i] = (i % 4) < 3 ? A_NAK : A_OK;
	R.nscript = 64;
	begin(8 * 128 - 5, 128, 0);
	feed("C", 1);
	assert_int_equal(run(0), 0);
	check_received(8 * 128 - 5);
	const sarafw_xmodem_stats *s = sarafw_xmodem_get_stats(&X);
	/* the EOT's first NAK is the end handshake, not an error */
	assert_int_equal(s->naks, 8 * 3 + 2);
	assert_int_equal(s->retransmissions, 8 * 3 + 2);
	assert_int_equal(s->blocks, 8);
	assert_int_equal(R.dups, 0);
}

static void test_lost_ack_resends(void **st)
{
	(void)st;
	setup_rx(1);
	R.script[1] = A_LOSTACK; /* block 2 accepted, ACK lost */
	R.nscript = 2;
	begin(1024 * 3, 1024, 0);
	feed("C", 1);
	uint32_t t0 = now;
	assert_int_equal(run(0), 0);
	check_received(1024 * 3);
	assert_int_equal(R.dups, 1);
	const sarafw_xmodem_stats *s = sarafw_xmodem_get_stats(&X);
	assert_int_equal(s->timeouts, 1);
	assert_int_equal(s->retransmissions, 1);
	/* the wait was the 10 s ACK timeout (Forsberg), not more */
	assert_true(now - t0 >= SARAFW_XMODEM_ACK_TIMEOUT_MS);
	assert_true(now - t0 < SARAFW_XMODEM_ACK_TIMEOUT_MS + 100);
}

static void test_lost_block_resends(void **st)
{
	(void)st;
	setup_rx(0);
	R.script[0] = A_LOST;
	R.script[2] = A_LOST;
	R.nscript = 3;
	begin(200, 128, 0);
	feed("\x15", 1);
	assert_int_equal(run(0), 0);
	check_received(200);
	assert_int_equal(R.dups, 0);
	assert_int_equal(sarafw_xmodem_get_stats(&X)->timeouts, 2);
}

static void test_duplicate_ack_and_noise(void **st)
{
	(void)st;
	setup_rx(1);
	R.script[0] = A_DUPACK; /* ACK ACK: the second must not ACK block 2 */
	R.script[1] = A_NOISE;
	R.script[2] = A_ONECAN; /* a lone CAN is noise */
	R.nscript = 3;
	begin(128 * 5, 128, 0);
	feed("C", 1);
	assert_int_equal(run(0), 0);
	check_received(128 * 5);
	assert_int_equal(R.soh, 5);
	const sarafw_xmodem_stats *s = sarafw_xmodem_get_stats(&X);
	assert_int_equal(s->garbage, 1 + 5);
	assert_int_equal(s->retransmissions, 0);
}

static void test_stale_ack_while_writing(void **st)
{
	(void)st;
	setup_rx(1);
	begin(3000, 1024, 0);
	feed("C", 1);
	const uint8_t *p;
	size_t n = sarafw_xmodem_output(&X, &p);
	assert_int_equal(n, 1029);
	uint8_t frame[1029], ans[8];
	memcpy(frame, p, n);
	sarafw_xmodem_sent(&X, 500, now);
	/* an ACK before the block is out answers nothing */
	feed("\x06", 1);
	assert_int_equal(sarafw_xmodem_output(&X, &p), 529);
	assert_int_equal(sarafw_xmodem_get_stats(&X)->garbage, 1);
	sarafw_xmodem_sent(&X, 529, now);
	n = rx_frame(&R, frame, n, ans);
	feed(ans, n);
	assert_int_equal(run(100), 0);
	check_received(3000);
	assert_int_equal(R.dups, 0);
}

static void test_receiver_cancels(void **st)
{
	(void)st;
	setup_rx(1);
	R.script[2] = A_CAN;
	R.nscript = 3;
	begin(5000, 1024, 0);
	feed("C", 1);
	assert_int_equal(run(0), SARAFW_ECANCEL);
	assert_int_equal(R.cans, 0); /* it left already: nothing sent back */
	uint32_t acked;
	sarafw_xmodem_progress(&X, &acked, NULL);
	assert_int_equal(acked, 2048);

	/* CAN CAN while waiting to start */
	begin(10, 128, 0);
	assert_int_equal(sarafw_xmodem_input(&X, (const uint8_t *)"\x18\x18" "C", 3, 0), 2);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_ECANCEL);
}

static void test_retry_exhaustion_naks(void **st)
{
	(void)st;
	setup_rx(1);
	R.script[0] = A_OK;
	R.nscript = 1;
	R.always = A_NAK;
	begin(2000, 128, 0);
	feed("C", 1);
	assert_int_equal(run(0), SARAFW_ERETRY);
	/* block 2 went out 1 + 10 times, then CANs */
	assert_int_equal(R.frames, 1 + 11 + 1);
	assert_true(R.cans >= 2);
	const sarafw_xmodem_stats *s = sarafw_xmodem_get_stats(&X);
	assert_int_equal(s->naks, 11);
	assert_int_equal(s->retransmissions, 10);
}

static void test_retry_exhaustion_silence(void **st)
{
	(void)st;
	setup_rx(1);
	R.always = A_LOST;
	begin(2000, 1024, 0);
	feed("C", 1);
	uint32_t t0 = now;
	assert_int_equal(run(0), SARAFW_ERETRY);
	assert_int_equal(sarafw_xmodem_get_stats(&X)->timeouts, 11);
	assert_true(R.cans >= 2);
	/* bounded: 11 waits of 10 s */
	assert_true(now - t0 <= 11 * SARAFW_XMODEM_ACK_TIMEOUT_MS + 1000);
}

static void test_eot_nak_then_ack(void **st)
{
	(void)st;
	/* lrzsz rx: EOT, NAK, EOT, ACK */
	setup_rx(1);
	R.eot_naks = 1;
	begin(100, 128, 0);
	feed("C", 1);
	assert_int_equal(run(0), 0);
	assert_int_equal(R.eots, 2);
	/* the handshake is not an error */
	assert_int_equal(sarafw_xmodem_get_stats(&X)->naks, 0);
	assert_int_equal(sarafw_xmodem_get_stats(&X)->retransmissions, 0);

	/* EOT never ACKed: bounded */
	setup_rx(1);
	R.eot_naks = 1000;
	begin(100, 128, 0);
	feed("C", 1);
	assert_int_equal(run(0), SARAFW_ERETRY);
	assert_int_equal(R.eots, 11);

	/* ACK of EOT lost: EOT again after the timeout */
	setup_rx(1);
	R.script[1] = A_LOSTACK;
	R.nscript = 2;
	begin(100, 128, 0);
	feed("C", 1);
	assert_int_equal(run(0), 0);
	assert_int_equal(R.eots, 2);
}

static void test_read_failure(void **st)
{
	(void)st;
	setup_rx(1);
	begin(5000, 1024, 0);
	S.fail_at = 2100;
	S.fail_ret = SARAFW_EIO;
	feed("C", 1);
	assert_int_equal(run(0), SARAFW_EIO);
	assert_true(R.cans >= 2);
	assert_int_equal(R.len, 2048);

	/* a short read is a failure too */
	setup_rx(0);
	begin(300, 128, 0);
	S.fail_at = 0;
	S.fail_ret = 5;
	assert_int_equal(sarafw_xmodem_input(&X, (const uint8_t *)"\x15xx", 3, 0), 1);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_EIO);
	assert_int_equal(run(0), SARAFW_EIO);
	assert_true(R.cans >= 2);
}

static void test_start_timeout(void **st)
{
	(void)st;
	const uint8_t *p;
	begin(10, 128, 5);
	assert_int_equal(sarafw_xmodem_wait_ms(&X, 5), SARAFW_XMODEM_START_TIMEOUT_MS);
	feed("\r\nOK\r\n", 6);
	sarafw_xmodem_tick(&X, 5 + SARAFW_XMODEM_START_TIMEOUT_MS - 1);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_XMODEM_RUNNING);
	sarafw_xmodem_tick(&X, 5 + SARAFW_XMODEM_START_TIMEOUT_MS);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_ETIMEOUT);
	assert_int_equal(sarafw_xmodem_output(&X, &p), 0); /* no CAN to an AT parser */
	assert_int_equal(sarafw_xmodem_wait_ms(&X, 0), UINT32_MAX);
	/* a finished engine takes no more input */
	assert_int_equal(sarafw_xmodem_input(&X, (const uint8_t *)"C", 1, 0), 0);
}

static void test_clock_wrap(void **st)
{
	(void)st;
	/* start 5 s before 2^32: the start and ACK deadlines cross the wrap */
	setup_rx(1);
	R.script[1] = A_LOSTACK;
	R.script[3] = A_LOST;
	R.nscript = 4;
	begin(1024 * 5, 1024, UINT32_MAX - 5000);
	sarafw_xmodem_tick(&X, 100); /* 5.1 s later: not yet 60 s */
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_XMODEM_RUNNING);
	now = UINT32_MAX - 3;
	feed("C", 1);
	assert_int_equal(run(0), 0);
	check_received(1024 * 5);
	assert_int_equal(sarafw_xmodem_get_stats(&X)->timeouts, 2);
	assert_true(now < 30000); /* it did wrap */

	/* a tick just before a wrapped deadline must not fire */
	begin(10, 128, UINT32_MAX - 10);
	sarafw_xmodem_tick(&X, SARAFW_XMODEM_START_TIMEOUT_MS - 12);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_XMODEM_RUNNING);
	sarafw_xmodem_tick(&X, SARAFW_XMODEM_START_TIMEOUT_MS - 11);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_ETIMEOUT);
}

static void test_partial_writes(void **st)
{
	(void)st;
	setup_rx(0);
	begin(5000, 1024, 0);
	feed("\x15", 1);
	assert_int_equal(run(7), 0);
	check_received(5000);
}

static void test_line_never_drains(void **st)
{
	(void)st;
	const uint8_t *p;
	begin(5000, 1024, 0);
	feed("C", 1);
	assert_int_equal(sarafw_xmodem_output(&X, &p), 1029);
	sarafw_xmodem_sent(&X, 10, 10);
	sarafw_xmodem_tick(&X, SARAFW_XMODEM_ACK_TIMEOUT_MS - 1);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_XMODEM_RUNNING);
	sarafw_xmodem_tick(&X, SARAFW_XMODEM_ACK_TIMEOUT_MS);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_ETIMEOUT);
}

static void test_rest_of_input_after_done(void **st)
{
	(void)st;
	const uint8_t *p;
	begin(0, 128, 0);
	/* 0 bytes: just EOT */
	assert_int_equal(sarafw_xmodem_input(&X, (const uint8_t *)"C", 1, 0), 1);
	assert_int_equal(sarafw_xmodem_output(&X, &p), 1);
	assert_int_equal(p[0], SARAFW_XMODEM_EOT);
	sarafw_xmodem_sent(&X, 1, 0);
	/* note §5.1.1: the final result code follows the last ACK */
	assert_int_equal(sarafw_xmodem_input(&X, (const uint8_t *)"\x06\r\nOK\r\n", 7, 1), 1);
	assert_int_equal(sarafw_xmodem_status(&X), 0);
	assert_int_equal(sarafw_xmodem_output(&X, &p), 0);
}

static void test_abort(void **st)
{
	(void)st;
	setup_rx(1);
	begin(5000, 1024, 0);
	feed("C", 1);
	sarafw_xmodem_abort(&X);
	assert_int_equal(run(0), SARAFW_ECANCEL);
	assert_int_equal(R.cans, SARAFW_XMODEM_CAN_COUNT);

	/* half a block written: the rest goes first, then the CANs */
	const uint8_t *p;
	uint8_t frame[1029], ans[8];
	setup_rx(1);
	begin(5000, 1024, 0);
	feed("C", 1);
	assert_int_equal(sarafw_xmodem_output(&X, &p), 1029);
	memcpy(frame, p, 1029);
	sarafw_xmodem_sent(&X, 600, 0);
	sarafw_xmodem_abort(&X);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_ECANCEL);
	assert_int_equal(sarafw_xmodem_output(&X, &p), 429);
	assert_memory_equal(p, frame + 600, 429);
	sarafw_xmodem_sent(&X, 429, 0);
	assert_int_equal(rx_frame(&R, frame, 1029, ans), 1);
	assert_int_equal(run(0), SARAFW_ECANCEL);
	assert_int_equal(R.cans, SARAFW_XMODEM_CAN_COUNT);
	assert_int_equal(sarafw_xmodem_wait_ms(&X, 0), UINT32_MAX);
}

static void test_bad_config(void **st)
{
	(void)st;
	sarafw_xmodem_config c = {.buf = blockbuf, .buf_size = SARAFW_XMODEM_BUF_MIN - 1,
				  .size = 10, .read = src_read, .block_size = 1024};
	assert_int_equal(sarafw_xmodem_start(&X, &c, 0), SARAFW_EINVAL); /* buffer too small */
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_EINVAL);
	c.buf_size = SARAFW_XMODEM_BUF_MIN; /* far less than a 1k block: fine */
	assert_int_equal(sarafw_xmodem_start(&X, &c, 0), 0);
	c.block_size = 512;
	c.buf_size = sizeof blockbuf;
	assert_int_equal(sarafw_xmodem_start(&X, &c, 0), SARAFW_EINVAL);
	c.block_size = 128;
	c.read = NULL;
	assert_int_equal(sarafw_xmodem_start(&X, &c, 0), SARAFW_EINVAL);
	c.size = 0;
	assert_int_equal(sarafw_xmodem_start(&X, &c, 0), 0);
	c.buf = NULL;
	assert_int_equal(sarafw_xmodem_start(&X, &c, 0), SARAFW_EINVAL);
	assert_int_equal(sarafw_xmodem_start(&X, NULL, 0), SARAFW_EINVAL);
	assert_int_equal(sarafw_xmodem_start(NULL, &c, 0), SARAFW_EINVAL);
}

static void test_custom_timeouts(void **st)
{
	(void)st;
	sarafw_xmodem_config c = {.buf = blockbuf, .buf_size = sizeof blockbuf - 16, .size = 10,
				  .read = src_read, .ctx = &S, .block_size = 128,
				  .start_timeout_ms = 500, .ack_timeout_ms = 200, .max_retries = 2};
	setup_rx(1);
	R.always = A_LOST;
	memset(&S, 0, sizeof S);
	S.size = 10;
	S.fail_at = UINT32_MAX;
	bufsz = sizeof blockbuf - 16;
	memset(blockbuf, 0xEE, sizeof blockbuf);
	now = 0;
	assert_int_equal(sarafw_xmodem_start(&X, &c, 0), 0);
	assert_int_equal(sarafw_xmodem_wait_ms(&X, 100), 400);
	feed("C", 1);
	assert_int_equal(run(0), SARAFW_ERETRY);
	assert_int_equal(R.frames, 3 + 1);
	assert_true(now < 1000);
}

/* ---- blocks made piece by piece in a small buffer ---- */

static const size_t bufs[] = {SARAFW_XMODEM_BUF_MIN, SARAFW_XMODEM_BUF_MIN + 1, 64, 100, 130,
			      SARAFW_XMODEM_BUF_128, 500, 1028, SARAFW_XMODEM_BUF_1K, 2000};

static void test_small_buffers(void **st)
{
	(void)st;
	static const uint32_t lens[] = {0, 1, 127, 128, 129, 1023, 1024, 1025, 1024 + 513, 5000};
	for (size_t b = 0; b < sizeof bufs / sizeof bufs[0]; b++)
		for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++)
			for (int mode = 0; mode < 4; mode++) {
				int crc = mode & 1;
				uint16_t block = (mode & 2) ? 1024 : 128;
				setup_rx(crc);
				begin_buf(lens[l], block, 1000, bufs[b]);
				feed(crc ? "C" : "\x15", 1);
				/* odd write sizes too: pieces and writes do not line up */
				assert_int_equal(run(l % 3 ? 0 : 7 + l), 0);
				assert_true(R.done);
				check_received(lens[l]);
				const sarafw_xmodem_stats *s = sarafw_xmodem_get_stats(&X);
				assert_int_equal(s->blocks, R.stx + R.soh);
				assert_int_equal(s->retransmissions, 0);
				/* every payload byte read once, in as few reads as the buffer allows */
				uint32_t most = 0;
				most = s->blocks * (uint32_t)((1024 + 5 + bufs[b] - 1) / bufs[b]);
				assert_true(S.reads >= s->blocks && S.reads <= most);
			}
}

static void test_buffer_pieces(void **st)
{
	(void)st;
	const uint8_t *p;
	/* 64 bytes, CRC, 1k block: header + 61 data, 15 x 64 data, then the
	 * last 3 data bytes and the CRC */
	setup_rx(1);
	begin_buf(3000, 1024, 0, 64);
	feed("C", 1);
	size_t total = 0, pieces = 0, n;
	while ((n = sarafw_xmodem_output(&X, &p)) != 0) {
		assert_true(n == 64 || (pieces == 16 && n == 5));
		if (pieces == 0)
			assert_memory_equal(p, "\x02\x01\xfe", 3);
		total += n;
		pieces++;
		sarafw_xmodem_sent(&X, n, now);
	}
	assert_int_equal(total, 1029);
	assert_int_equal(pieces, 17);
	assert_int_equal(S.reads, 17);
	assert_int_equal(S.offs[0], 0);
	assert_int_equal(S.offs[1], 61);
	assert_int_equal(S.offs[16], 61 + 15 * 64);

	/* checksum: the trailer alone in the last piece when the data ends
	 * with the buffer */
	setup_rx(0);
	begin_buf(1000, 128, 0, 33);
	feed("\x15", 1);
	pieces = total = 0;
	while ((n = sarafw_xmodem_output(&X, &p)) != 0) {
		total += n;
		pieces++;
		sarafw_xmodem_sent(&X, n, now);
	}
	assert_int_equal(total, 132);
	assert_int_equal(pieces, 4); /* 33 * 4 = 132: 3 + 128 + 1 */
}

static void test_stale_ack_between_pieces(void **st)
{
	(void)st;
	const uint8_t *p;
	setup_rx(1);
	begin_buf(3000, 1024, 0, 64);
	feed("C", 1);
	size_t n = sarafw_xmodem_output(&X, &p);
	sarafw_xmodem_sent(&X, n, now);
	/* the first piece is out, the block is not: an ACK now answers nothing */
	assert_int_equal(sarafw_xmodem_wait_ms(&X, now), 0);
	feed("\x06", 1);
	assert_int_equal(sarafw_xmodem_get_stats(&X)->garbage, 1);
	assert_int_equal(sarafw_xmodem_output(&X, &p), 64);
	uint32_t acked;
	sarafw_xmodem_progress(&X, &acked, NULL);
	assert_int_equal(acked, 0);
	/* the rest of the block, then the usual conversation; the receiver
	 * model gets the whole frame from the start */
	setup_rx(1);
	begin_buf(3000, 1024, 0, 64);
	feed("C", 1);
	assert_int_equal(run(0), 0);
	check_received(3000);
}

static void test_resend_rereads(void **st)
{
	(void)st;
	setup_rx(1);
	R.script[0] = A_NAK;
	R.script[1] = A_LOST;
	R.nscript = 2;
	begin_buf(1024, 1024, 0, 100);
	feed("C", 1);
	assert_int_equal(run(0), 0);
	check_received(1024);
	/* 1029 bytes in 100-byte pieces: 11 reads a time, the block sent
	 * three times, each time read again from its first byte */
	assert_int_equal(S.reads, 3 * 11);
	for (int t = 0; t < 3; t++) {
		assert_int_equal(S.offs[t * 11], 0);
		assert_int_equal(S.offs[t * 11 + 1], 97);
	}
	const sarafw_xmodem_stats *s = sarafw_xmodem_get_stats(&X);
	assert_int_equal(s->blocks, 1);
	assert_int_equal(s->retransmissions, 2);

	/* the re-read fails before anything of the resent block is out: the
	 * block cannot go, CANs at once */
	setup_rx(1);
	R.script[0] = A_NAK;
	R.nscript = 1;
	begin_buf(1024, 1024, 0, 100);
	feed("C", 1);
	const uint8_t *p;
	uint8_t frame[1029], ans[4];
	size_t got = 0, n;
	while ((n = sarafw_xmodem_output(&X, &p)) != 0) {
		memcpy(frame + got, p, n);
		got += n;
		sarafw_xmodem_sent(&X, n, now);
	}
	assert_int_equal(rx_frame(&R, frame, got, ans), 1);
	S.fail_at = 0;
	S.fail_ret = SARAFW_EIO;
	feed(ans, 1);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_EIO);
	assert_int_equal(run(0), SARAFW_EIO);
	assert_int_equal(R.cans, SARAFW_XMODEM_CAN_COUNT);
	assert_int_equal(R.frames, 2);
}

static void test_read_failure_mid_block(void **st)
{
	(void)st;
	for (int crc = 0; crc < 2; crc++) {
		/* fails in block 2's fifth piece: four pieces are on the line */
		setup_rx(crc);
		R.bad_ok = 1;
		begin_buf(5000, 1024, 0, 64);
		S.fail_at = 1024 + 61 + 3 * 64 + 10;
		S.fail_ret = SARAFW_EIO;
		feed(crc ? "C" : "\x15", 1);
		assert_int_equal(run(0), SARAFW_EIO);
		/* the block went out whole, its check wrong: rejected, then
		 * the CANs in the header's place */
		assert_int_equal(R.bad, 1);
		assert_int_equal(R.len, 1024);
		assert_int_equal(R.cans, SARAFW_XMODEM_CAN_COUNT);
		assert_int_equal(R.frames, 3);
		assert_int_equal(sarafw_xmodem_get_stats(&X)->retransmissions, 0);
	}

	/* the receiver does not answer the spoiled block: CANs after the
	 * ACK timeout; the status says RUNNING until they are queued */
	setup_rx(1);
	R.bad_ok = 1;
	R.script[1] = A_LOST;
	R.nscript = 2;
	begin_buf(5000, 1024, 0, 64);
	S.fail_at = 2000;
	S.fail_ret = 3;
	feed("C", 1);
	uint32_t t0 = now;
	assert_int_equal(run(0), SARAFW_EIO);
	assert_int_equal(R.cans, SARAFW_XMODEM_CAN_COUNT);
	assert_true(now - t0 >= SARAFW_XMODEM_ACK_TIMEOUT_MS);
	assert_true(now - t0 < SARAFW_XMODEM_ACK_TIMEOUT_MS + 1000);
	assert_int_equal(sarafw_xmodem_get_stats(&X)->timeouts, 0);

	/* the spoiled block's bytes: data up to the failing piece, padding
	 * after it, the check inverted */
	setup_rx(1);
	begin_buf(300, 128, 0, 40);
	S.fail_at = 100;
	S.fail_ret = SARAFW_EIO;
	feed("C", 1);
	const uint8_t *p;
	uint8_t frame[133];
	size_t got = 0, n;
	while ((n = sarafw_xmodem_output(&X, &p)) != 0) {
		memcpy(frame + got, p, n);
		got += n;
		sarafw_xmodem_sent(&X, n, now);
	}
	assert_int_equal(got, 133);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_XMODEM_RUNNING);
	assert_memory_equal(frame + 3, file, 37 + 40); /* pieces 1 and 2 */
	for (size_t i = 3 + 77; i < 3 + 128; i++)
		assert_int_equal(frame[i], SARAFW_XMODEM_PAD);
	uint16_t c = ref_crc(frame + 3, 128);
	assert_int_equal(frame[131], (uint8_t)~(c >> 8));
	assert_int_equal(frame[132], (uint8_t)~c);
	feed("\x15", 1);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_EIO);
	assert_int_equal(sarafw_xmodem_output(&X, &p), SARAFW_XMODEM_CAN_COUNT);
	assert_int_equal(p[0], SARAFW_XMODEM_CAN);
}

static void test_abort_small_buffer(void **st)
{
	(void)st;
	const uint8_t *p;
	uint8_t frame[1029], ans[8];
	size_t got = 0, n;
	/* two pieces of a block written, then abort: the rest is read and
	 * written as usual, so the receiver takes a good block, then CANs */
	setup_rx(1);
	begin_buf(5000, 1024, 0, 64);
	feed("C", 1);
	for (int i = 0; i < 2; i++) {
		n = sarafw_xmodem_output(&X, &p);
		memcpy(frame + got, p, n);
		got += n;
		sarafw_xmodem_sent(&X, n, now);
	}
	sarafw_xmodem_abort(&X);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_ECANCEL);
	while (got < 1029 && (n = sarafw_xmodem_output(&X, &p)) != 0) {
		memcpy(frame + got, p, n);
		got += n;
		sarafw_xmodem_sent(&X, n, now);
	}
	assert_int_equal(got, 1029);
	assert_int_equal(rx_frame(&R, frame, got, ans), 1);
	assert_int_equal(ans[0], SARAFW_XMODEM_ACK);
	assert_int_equal(run(0), SARAFW_ECANCEL);
	assert_int_equal(R.cans, SARAFW_XMODEM_CAN_COUNT);

	/* same, and the read fails on the way: the block is spoiled, the
	 * CANs follow it at once (the caller has given up) */
	setup_rx(1);
	R.bad_ok = 1;
	begin_buf(5000, 1024, 0, 64);
	feed("C", 1);
	got = 0;
	n = sarafw_xmodem_output(&X, &p);
	memcpy(frame, p, n);
	got = n;
	sarafw_xmodem_sent(&X, n, now);
	sarafw_xmodem_abort(&X);
	S.fail_at = 500;
	S.fail_ret = SARAFW_EIO;
	while (got < 1029 && (n = sarafw_xmodem_output(&X, &p)) != 0) {
		memcpy(frame + got, p, n);
		got += n;
		sarafw_xmodem_sent(&X, n, now);
	}
	assert_int_equal(got, 1029);
	assert_int_equal(rx_frame(&R, frame, got, ans), 1);
	assert_int_equal(R.bad, 1);
	assert_int_equal(run(0), SARAFW_ECANCEL);
	assert_int_equal(R.cans, SARAFW_XMODEM_CAN_COUNT);
}

static void test_line_never_drains_small_buffer(void **st)
{
	(void)st;
	const uint8_t *p;
	begin_buf(5000, 1024, 0, 64);
	feed("C", 1);
	/* pieces keep going out, but the block is not done within the ACK
	 * timeout of its start */
	for (uint32_t t = 0; t < 5; t++) {
		size_t n = sarafw_xmodem_output(&X, &p);
		assert_int_equal(n, 64);
		sarafw_xmodem_sent(&X, n, t * 2000);
		sarafw_xmodem_tick(&X, t * 2000);
	}
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_XMODEM_RUNNING);
	sarafw_xmodem_tick(&X, SARAFW_XMODEM_ACK_TIMEOUT_MS);
	assert_int_equal(sarafw_xmodem_status(&X), SARAFW_ETIMEOUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc_128),
		cmocka_unit_test(test_checksum_128),
		cmocka_unit_test(test_crc_1k),
		cmocka_unit_test(test_checksum_1k),
		cmocka_unit_test(test_block_number_wraps),
		cmocka_unit_test(test_tail_split),
		cmocka_unit_test(test_garbage_before_start),
		cmocka_unit_test(test_urc_with_c_before_start),
		cmocka_unit_test(test_start_mode),
		cmocka_unit_test(test_nak_storm),
		cmocka_unit_test(test_lost_ack_resends),
		cmocka_unit_test(test_lost_block_resends),
		cmocka_unit_test(test_duplicate_ack_and_noise),
		cmocka_unit_test(test_stale_ack_while_writing),
		cmocka_unit_test(test_receiver_cancels),
		cmocka_unit_test(test_retry_exhaustion_naks),
		cmocka_unit_test(test_retry_exhaustion_silence),
		cmocka_unit_test(test_eot_nak_then_ack),
		cmocka_unit_test(test_read_failure),
		cmocka_unit_test(test_start_timeout),
		cmocka_unit_test(test_clock_wrap),
		cmocka_unit_test(test_partial_writes),
		cmocka_unit_test(test_line_never_drains),
		cmocka_unit_test(test_rest_of_input_after_done),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_custom_timeouts),
		cmocka_unit_test(test_small_buffers),
		cmocka_unit_test(test_buffer_pieces),
		cmocka_unit_test(test_stale_ack_between_pieces),
		cmocka_unit_test(test_resend_rereads),
		cmocka_unit_test(test_read_failure_mid_block),
		cmocka_unit_test(test_abort_small_buffer),
		cmocka_unit_test(test_line_never_drains_small_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
