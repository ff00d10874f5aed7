/* Fuzz the XMODEM sender: arbitrary receiver bytes, partial writes, clock
 * jumps (wrap included), buffer sizes and failing reads from the input.
 * Checks: the package is never read past its end nor into more than the
 * buffer, output stays inside the buffer, which is never overrun; every
 * byte written parses as whole frames (EOT, CAN, or a block with a good
 * header, package bytes then padding, and a good check, inverted if a
 * read failed inside it); once input stops and time runs the engine ends (done or failed)
 * within a bounded number of steps. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/xmodem.h"

#define CANARY 0xA5
#define check(c)                                                              \
	do {                                                                  \
		if (!(c)) {                                                   \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort();                                              \
		}                                                             \
	} while (0)

struct pkg {
	uint32_t size;
	size_t bufsz;
	int fail;         /* make reads fail */
	uint32_t fail_at; /* make the read that covers this offset fail */
	int failed;       /* a read has failed */
};

static int pkg_read(void *ctx, uint32_t off, uint8_t *buf, size_t len)
{
	struct pkg *p = ctx;
	check(len > 0 && len <= 1024 && len <= p->bufsz);
	check((uint64_t)off + len <= p->size);
	if (p->fail || (p->fail_at >= off && p->fail_at - off < len)) {
		p->failed = 1;
		return SARAFW_EIO;
	}
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(off + i);
	return (int)len;
}

struct in {
	const uint8_t *d;
	size_t n, i;
};

static uint8_t take(struct in *in)
{
	return in->i < in->n ? in->d[in->i++] : 0;
}

/* The receiver's view: the bytes written, cut into frames. */
struct line {
	uint8_t f[SARAFW_XMODEM_BUF_1K];
	size_t have, want;
};

static void frame_done(const struct line *l, const struct pkg *pkg, int crc)
{
	size_t bs = l->want - 3 - (crc ? 2 : 1), i = 1;
	const uint8_t *d = l->f + 3;
	uint16_t c = crc ? sarafw_xmodem_crc16(0, d, bs) : sarafw_xmodem_checksum(d, bs);
	uint16_t got = crc ? (uint16_t)(d[bs] << 8 | d[bs + 1]) : d[bs];
	check((l->f[1] ^ l->f[2]) == 0xff);
	/* package bytes are (uint8_t)offset: a run, then padding to the end */
	while (i < bs && d[i] == (uint8_t)(d[0] + i))
		i++;
	for (; i < bs; i++)
		check(d[i] == SARAFW_XMODEM_PAD);
	/* After a failed read the engine ends, so only the block it was in
	 * can still be completed: spoiled, with its check inverted. */
	check(got == (pkg->failed ? (uint16_t)(crc ? ~c : (uint8_t)~c) : c));
}

static void line_take(struct line *l, const uint8_t *p, size_t n, const struct pkg *pkg, int crc)
{
	for (size_t i = 0; i < n; i++) {
		if (!l->want) {
			if (p[i] == SARAFW_XMODEM_EOT || p[i] == SARAFW_XMODEM_CAN)
				continue;
			check(p[i] == SARAFW_XMODEM_SOH || p[i] == SARAFW_XMODEM_STX);
			l->want = (p[i] == SARAFW_XMODEM_STX ? 1024u : 128u) + (crc ? 5u : 4u);
			l->have = 0;
		}
		l->f[l->have++] = p[i];
		if (l->have == l->want) {
			frame_done(l, pkg, crc);
			l->want = 0;
		}
	}
}

/* Writes n bytes of the engine's output (at most what it offers). */
static void write_out(sarafw_xmodem *x, size_t n, uint32_t now, struct line *l, const struct pkg *pkg)
{
	const uint8_t *p;
	size_t avail = sarafw_xmodem_output(x, &p);
	if (n > avail)
		n = avail;
	line_take(l, p, n, pkg, sarafw_xmodem_crc_mode(x));
	sarafw_xmodem_sent(x, n, now);
}

static void check_output(sarafw_xmodem *x, const uint8_t *buf, size_t bufsz)
{
	const uint8_t *p;
	size_t n = sarafw_xmodem_output(x, &p);
	check(n <= bufsz);
	if (n)
		check(p >= buf && p + n <= buf + bufsz);
	check(buf[bufsz] == CANARY);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[SARAFW_XMODEM_BUF_MIN + 255 * 4 + 1];
	static struct line line;
	static const uint8_t alphabet[] = {SARAFW_XMODEM_CRC, SARAFW_XMODEM_NAK, SARAFW_XMODEM_ACK,
					   SARAFW_XMODEM_CAN, SARAFW_XMODEM_EOT, '\r', '\n', 'O'};
	struct in in = {data, size, 0};
	struct pkg pkg;
	sarafw_xmodem x;
	uint8_t mode = take(&in);
	uint16_t block = (mode & 1) ? 1024 : 128;
	size_t bufsz = SARAFW_XMODEM_BUF_SIZE(block);
	uint32_t now, acked, total;
	sarafw_xmodem_config cfg = {.read = pkg_read, .ctx = &pkg, .block_size = block};

	memset(&pkg, 0, sizeof pkg);
	memset(&line, 0, sizeof line);
	pkg.size = (uint32_t)(take(&in) | (take(&in) & 0x0f) << 8); /* 0..4095 bytes */
	pkg.fail = (mode & 0x80) && (mode & 0x40);
	pkg.fail_at = UINT32_MAX;
	cfg.size = pkg.size;
	if (mode & 2) {
		/* short, odd timeouts and few retries reach the edges sooner */
		cfg.ack_timeout_ms = 1 + take(&in);
		cfg.start_timeout_ms = 1 + take(&in);
		cfg.max_retries = take(&in) & 3;
	}
	now = (mode & 4) ? UINT32_MAX - (uint32_t)take(&in) * 1000u : (uint32_t)take(&in) << 24;
	if (mode & 8) /* blocks made in pieces: 32..1052 bytes */
		bufsz = SARAFW_XMODEM_BUF_MIN + (size_t)take(&in) * 4;
	if (mode & 0x10) /* one read fails, maybe inside a block */
		pkg.fail_at = (uint32_t)(take(&in) | (take(&in) & 0x0f) << 8);
	pkg.bufsz = cfg.buf_size = bufsz;
	cfg.buf = buf;
	memset(buf, CANARY, sizeof buf);
	if (sarafw_xmodem_start(&x, &cfg, now) != 0)
		return 0;

	while (in.i < in.n) {
		uint8_t op = take(&in), arg = op >> 3;
		const uint8_t *p;
		size_t n;

		switch (op & 7) {
		case 0: { /* raw receiver bytes */
			size_t k = 1 + (arg & 15);
			if (k > in.n - in.i)
				k = in.n - in.i;
			check(sarafw_xmodem_input(&x, in.d + in.i, k, now) <= k);
			in.i += k;
			break;
		}
		case 1: { /* one protocol character */
			uint8_t c = alphabet[arg & 7];
			check(sarafw_xmodem_input(&x, &c, 1, now) <= 1);
			break;
		}
		case 2:
			now += (uint32_t)arg * 37u;
			break;
		case 3: /* a jump, possibly across 2^32; the contract (header) is a
			 * tick at least every 2^31 ms, as with any wrapping clock */
			sarafw_xmodem_tick(&x, now);
			now += ((uint32_t)take(&in) << 24 | (uint32_t)take(&in) << 16 |
				(uint32_t)take(&in) << 8 | take(&in)) & 0x7fffffffu;
			sarafw_xmodem_tick(&x, now);
			break;
		case 4: /* partial write */
			n = sarafw_xmodem_output(&x, &p);
			if (n)
				write_out(&x, (size_t)arg % (n + 1), now, &line, &pkg);
			else
				sarafw_xmodem_sent(&x, arg, now); /* nothing asked: ignored */
			break;
		case 5: /* whole write */
			n = sarafw_xmodem_output(&x, &p);
			write_out(&x, n, now, &line, &pkg);
			break;
		case 6:
			sarafw_xmodem_tick(&x, now);
			break;
		case 7:
			if (arg == 31)
				sarafw_xmodem_abort(&x);
			else
				sarafw_xmodem_tick(&x, now + sarafw_xmodem_wait_ms(&x, now));
			break;
		}
		check_output(&x, buf, bufsz);
		sarafw_xmodem_progress(&x, &acked, &total);
		check(acked <= total && total == pkg.size);
	}

	/* Input has stopped: write what is asked, let time pass. Each block
	 * or EOT fails after 1 + max_retries silent waits. */
	for (int steps = 0;; steps++) {
		const uint8_t *p;
		size_t n = sarafw_xmodem_output(&x, &p);
		check(steps < 64 * 40); /* a block may take 33 pieces */
		check_output(&x, buf, bufsz);
		if (n) {
			write_out(&x, n, now, &line, &pkg);
			continue;
		}
		if (sarafw_xmodem_status(&x) != SARAFW_XMODEM_RUNNING)
			break;
		uint32_t w = sarafw_xmodem_wait_ms(&x, now);
		check(w != UINT32_MAX && w <= SARAFW_XMODEM_START_TIMEOUT_MS + 256u);
		now += w;
		sarafw_xmodem_tick(&x, now);
	}
	check(sarafw_xmodem_status(&x) <= 0);
	return 0;
}
