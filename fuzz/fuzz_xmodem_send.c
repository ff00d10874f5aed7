/* Fuzz the XMODEM sender: arbitrary receiver bytes, partial writes and
 * clock jumps (wrap included) from the input. Checks: the package is never
 * read past its end, one output is never more than one block + header, the
 * block buffer is never overrun, and once input stops and time runs the
 * engine ends (done or failed) within a bounded number of steps. */
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
	int fail; /* make reads fail */
};

static int pkg_read(void *ctx, uint32_t off, uint8_t *buf, size_t len)
{
	struct pkg *p = ctx;
	check(len > 0 && len <= 1024);
	check((uint64_t)off + len <= p->size);
	if (p->fail)
		return SARAFW_EIO;
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

static void check_output(sarafw_xmodem *x, const uint8_t *buf, size_t bufsz)
{
	const uint8_t *p;
	size_t n = sarafw_xmodem_output(x, &p);
	check(n <= bufsz);
	if (n) {
		check(p >= buf && p + n <= buf + bufsz);
		if (p == buf && (buf[0] == SARAFW_XMODEM_SOH || buf[0] == SARAFW_XMODEM_STX)) {
			size_t bs = buf[0] == SARAFW_XMODEM_STX ? 1024 : 128;
			check(n == bs + 4 || n == bs + 5);
			check((buf[1] ^ buf[2]) == 0xff);
		}
	}
	check(buf[bufsz] == CANARY);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[SARAFW_XMODEM_BUF_1K + 1];
	static const uint8_t alphabet[] = {SARAFW_XMODEM_CRC, SARAFW_XMODEM_NAK, SARAFW_XMODEM_ACK,
					   SARAFW_XMODEM_CAN, SARAFW_XMODEM_EOT, '\r', '\n', 'O'};
	struct in in = {data, size, 0};
	struct pkg pkg;
	sarafw_xmodem x;
	uint8_t mode = take(&in);
	uint16_t block = (mode & 1) ? 1024 : 128;
	size_t bufsz = SARAFW_XMODEM_BUF_SIZE(block);
	uint32_t now, acked, total;
	sarafw_xmodem_config cfg = {.buf = buf, .buf_size = bufsz, .read = pkg_read, .ctx = &pkg,
				    .block_size = block};

	pkg.size = (uint32_t)(take(&in) | (take(&in) & 0x0f) << 8); /* 0..4095 bytes */
	pkg.fail = (mode & 0x80) && (mode & 0x40);
	cfg.size = pkg.size;
	if (mode & 2) {
		/* short, odd timeouts and few retries reach the edges sooner */
		cfg.ack_timeout_ms = 1 + take(&in);
		cfg.start_timeout_ms = 1 + take(&in);
		cfg.max_retries = take(&in) & 3;
	}
	now = (mode & 4) ? UINT32_MAX - (uint32_t)take(&in) * 1000u : (uint32_t)take(&in) << 24;
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
			sarafw_xmodem_sent(&x, n ? (size_t)arg % (n + 1) : arg, now);
			break;
		case 5: /* whole write */
			n = sarafw_xmodem_output(&x, &p);
			sarafw_xmodem_sent(&x, n, now);
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
		check(steps < 64);
		check_output(&x, buf, bufsz);
		if (n) {
			sarafw_xmodem_sent(&x, n, now);
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
