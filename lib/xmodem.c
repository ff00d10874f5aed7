/* XMODEM / XMODEM-1k sender as a sans-I/O state machine (Forsberg,
 * "XMODEM/YMODEM Protocol Reference"), used by +UFWUPD (note §5.1). */
#include <stdbool.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/port.h"
#include "sarafw/xmodem.h"

_Static_assert(SARAFW_XMODEM_CAN_COUNT >= 2 && SARAFW_XMODEM_CAN_COUNT <= SARAFW_XMODEM_BUF_128,
	       "the CAN sequence must fit the smallest block buffer");

enum {
	ST_END,   /* done or failed; only queued CANs may remain */
	ST_START, /* waiting for 'C' or NAK */
	ST_BLOCK, /* block queued or written, waiting for ACK */
	ST_EOT,   /* EOT queued or written, waiting for ACK */
};

static void arm(sarafw_xmodem *x, uint32_t now, uint32_t ms)
{
	x->deadline = now + ms;
	x->armed = 1;
}

static bool pending(const sarafw_xmodem *x)
{
	return x->out_pos < x->out_len;
}

/* Queues len bytes of buf; the write itself must end within the ACK
 * timeout, so a line that never drains cannot stall the engine. */
static void queue(sarafw_xmodem *x, size_t len, uint32_t now)
{
	x->out_len = len;
	x->out_pos = 0;
	arm(x, now, x->cfg.ack_timeout_ms);
}

static void finish(sarafw_xmodem *x, int err, bool send_can)
{
	x->err = err;
	x->state = ST_END;
	x->armed = 0;
	x->out_pos = 0;
	x->out_len = 0;
	if (send_can) {
		/* Forsberg: two CANs abort; send more in case line noise eats some. */
		memset(x->cfg.buf, SARAFW_XMODEM_CAN, SARAFW_XMODEM_CAN_COUNT);
		x->out_len = SARAFW_XMODEM_CAN_COUNT;
	}
}

/* Builds the block at x->offset, or EOT when the package is all acked. */
static void build(sarafw_xmodem *x, uint32_t now)
{
	uint8_t *b = x->cfg.buf;
	uint32_t left = x->cfg.size - x->offset;
	size_t bs = x->cfg.block_size, len;

	if (left == 0) {
		b[0] = SARAFW_XMODEM_EOT;
		x->state = ST_EOT;
		x->retries = 0;
		queue(x, 1, now);
		return;
	}
	/* Forsberg: 1k and 128-byte blocks may be mixed; a short tail in
	 * SOH blocks saves the padding of a mostly empty 1k block. */
	if (bs == 1024 && left <= SARAFW_XMODEM_SHORT_TAIL)
		bs = 128;
	x->payload = (uint16_t)(left < bs ? left : bs);

	if (x->cfg.read(x->cfg.ctx, x->offset, b + 3, x->payload) != (int)x->payload) {
		finish(x, SARAFW_EIO, true);
		return;
	}
	memset(b + 3 + x->payload, SARAFW_XMODEM_PAD, bs - x->payload);
	len = sarafw_xmodem_seal(b, x->blk, bs, x->crc);
	x->state = ST_BLOCK;
	x->retries = 0;
	x->stats.blocks++;
	queue(x, len, now);
}

/* Sends the block (or EOT) in buf again, unless it has failed too often. */
/* Sends the current block or EOT again; counted: as a retransmission. */
static void resend(sarafw_xmodem *x, uint32_t now, bool counted)
{
	if (x->retries >= x->cfg.max_retries) {
		finish(x, SARAFW_ERETRY, true);
		return;
	}
	x->retries++;
	x->stats.retransmissions += counted;
	x->out_pos = 0;
	arm(x, now, x->cfg.ack_timeout_ms);
}

int sarafw_xmodem_start(sarafw_xmodem *x, const sarafw_xmodem_config *cfg, uint32_t now)
{
	if (!x)
		return SARAFW_EINVAL;
	memset(x, 0, sizeof *x);
	x->state = ST_END;
	x->err = SARAFW_EINVAL;
	if (!cfg || !cfg->buf || (cfg->block_size != 128 && cfg->block_size != 1024) ||
	    cfg->buf_size < SARAFW_XMODEM_BUF_SIZE(cfg->block_size) ||
	    (cfg->size && !cfg->read))
		return SARAFW_EINVAL;

	x->cfg = *cfg;
	if (!x->cfg.start_timeout_ms)
		x->cfg.start_timeout_ms = SARAFW_XMODEM_START_TIMEOUT_MS;
	if (!x->cfg.ack_timeout_ms)
		x->cfg.ack_timeout_ms = SARAFW_XMODEM_ACK_TIMEOUT_MS;
	if (!x->cfg.max_retries)
		x->cfg.max_retries = SARAFW_XMODEM_MAX_RETRIES;
	x->blk = 1; /* Forsberg: the first block is number 1 */
	x->state = ST_START;
	x->err = SARAFW_XMODEM_RUNNING;
	arm(x, now, x->cfg.start_timeout_ms);
	return 0;
}

size_t sarafw_xmodem_input(sarafw_xmodem *x, const uint8_t *in, size_t n, uint32_t now)
{
	uint8_t start = 0; /* the start request seen in this input, if any */
	size_t used = 0;   /* bytes up to the last 'C' or NAK of it */
	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];

		if (x->state == ST_END)
			return i;
		/* Forsberg: two consecutive CANs cancel; one may be noise. */
		if (c == SARAFW_XMODEM_CAN) {
			if (++x->cans >= 2) {
				finish(x, SARAFW_ECANCEL, false);
				return i + 1;
			}
			continue;
		}
		x->cans = 0;

		if (x->state == ST_START) {
			/* note §5.1.1: up to three 'C' then NAKs. A receiver
			 * only ever falls back from 'C' to NAK, so when the
			 * input that starts us holds both (a host that read
			 * late), a NAK among them decides: checksum. Anything
			 * else is the tail of "+UFWUPD: ONGOING", a URC or line
			 * noise; a 'C' inside a text line ("+CEREG: 1") is not a
			 * request. */
			if (c == '\r' || c == '\n') {
				x->in_text = 0;
				continue;
			}
			if (c == SARAFW_XMODEM_CRC && x->in_text)
				continue;
			if (c > ' ' && c < 0x7f && c != SARAFW_XMODEM_CRC) {
				x->in_text = 1;
				continue;
			}
			if (c == SARAFW_XMODEM_CRC || c == SARAFW_XMODEM_NAK) {
				if (start != SARAFW_XMODEM_NAK)
					start = c;
				used = i + 1;
			}
			continue;
		}
		if (pending(x)) {
			/* Arrived before the block was out, so it cannot answer
			 * it: a late 'C', a duplicate ACK, noise. Taking a stale
			 * ACK for the next block would skip a block. */
			x->stats.garbage++;
			continue;
		}
		if (c == SARAFW_XMODEM_ACK) {
			if (x->state == ST_EOT) {
				finish(x, 0, false);
				return i + 1;
			}
			x->offset += x->payload;
			x->blk++;
			build(x, now);
			if (x->state == ST_END)
				return i + 1;
		} else if (c == SARAFW_XMODEM_NAK) {
			/* Forsberg's receivers (lrzsz rx, sarafw-sim) answer the
			 * first EOT with NAK, to be sure it was not noise: that
			 * is the end handshake (EOT NAK EOT ACK), not an error,
			 * so it is sent again without counting it as one. */
			bool handshake = x->state == ST_EOT && !x->eot_nak;
			if (handshake)
				x->eot_nak = 1;
			else
				x->stats.naks++;
			resend(x, now, !handshake);
			if (x->state == ST_END)
				return i + 1;
		} else {
			x->stats.garbage++;
		}
	}
	if (start && x->state == ST_START) {
		x->crc = start == SARAFW_XMODEM_CRC;
		build(x, now);
		if (x->state == ST_END)
			return used;
	}
	return n;
}

size_t sarafw_xmodem_output(sarafw_xmodem *x, const uint8_t **out)
{
	if (!pending(x)) {
		*out = NULL;
		return 0;
	}
	*out = x->cfg.buf + x->out_pos;
	return x->out_len - x->out_pos;
}

void sarafw_xmodem_sent(sarafw_xmodem *x, size_t n, uint32_t now)
{
	if (!pending(x))
		return;
	if (n > x->out_len - x->out_pos)
		n = x->out_len - x->out_pos;
	x->out_pos += n;
	if (pending(x))
		return;
	if (x->state != ST_END) {
		arm(x, now, x->cfg.ack_timeout_ms);
	} else if (x->can_due) {
		x->can_due = 0;
		finish(x, x->err, true);
	} else {
		x->out_pos = x->out_len = 0;
	}
}

void sarafw_xmodem_tick(sarafw_xmodem *x, uint32_t now)
{
	if (x->state == ST_END || !x->armed || !sarafw_time_reached(now, x->deadline))
		return;
	if (x->state == ST_START) {
		/* The receiver never asked: it may not be in XMODEM at all, so
		 * send nothing (CANs would reach the AT interpreter). */
		finish(x, SARAFW_ETIMEOUT, false);
	} else if (pending(x)) {
		/* The line does not drain (flow control stuck?). */
		finish(x, SARAFW_ETIMEOUT, false);
	} else {
		/* Forsberg: no answer in 10 s, send the block again. */
		x->stats.timeouts++;
		resend(x, now, true);
	}
}

uint32_t sarafw_xmodem_wait_ms(const sarafw_xmodem *x, uint32_t now)
{
	int32_t d;

	if (pending(x))
		return 0;
	if (x->state == ST_END || !x->armed)
		return UINT32_MAX;
	d = (int32_t)(x->deadline - now);
	return d > 0 ? (uint32_t)d : 0;
}

void sarafw_xmodem_abort(sarafw_xmodem *x)
{
	if (x->state == ST_END)
		return;
	if (pending(x) && x->out_pos > 0) {
		/* Half a block is on the line: CANs inside it would be taken
		 * for data, so they follow the rest of the block. */
		x->err = SARAFW_ECANCEL;
		x->state = ST_END;
		x->armed = 0;
		x->can_due = 1;
		return;
	}
	finish(x, SARAFW_ECANCEL, true);
}

int sarafw_xmodem_status(const sarafw_xmodem *x)
{
	return x->err;
}

void sarafw_xmodem_progress(const sarafw_xmodem *x, uint32_t *acked, uint32_t *total)
{
	if (acked)
		*acked = x->offset;
	if (total)
		*total = x->cfg.size;
}

const sarafw_xmodem_stats *sarafw_xmodem_get_stats(const sarafw_xmodem *x)
{
	return &x->stats;
}

int sarafw_xmodem_crc_mode(const sarafw_xmodem *x)
{
	return x->crc;
}
