/* XMODEM / XMODEM-1k sender as a sans-I/O state machine (Forsberg,
 * "XMODEM/YMODEM Protocol Reference"), used by +UFWUPD (note §5.1). */
#include <stdbool.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/port.h"
#include "sarafw/xmodem.h"

/* The stats' error counters stop at their top (sarafw_xmodem_stats). */
static uint16_t saturate(uint32_t n)
{
	return n > 0xffffu ? 0xffffu : (uint16_t)n;
}

_Static_assert(SARAFW_XMODEM_CAN_COUNT >= 2 && SARAFW_XMODEM_CAN_COUNT <= SARAFW_XMODEM_BUF_MIN,
	       "the CAN sequence must fit the smallest buffer");
_Static_assert(SARAFW_XMODEM_BUF_MIN >= 3 + 2, "a piece must hold a header or a whole check");

enum {
	ST_END,   /* done or failed; only queued CANs (or the rest of a block) may remain */
	ST_START, /* waiting for 'C' or NAK */
	ST_BLOCK, /* block queued or written, waiting for ACK */
	ST_EOT,   /* EOT queued or written, waiting for ACK */
};

static void arm(sarafw_xmodem *x, uint32_t now, uint32_t ms)
{
	x->deadline = now + ms;
	x->armed = 1;
}

/* Part of the frame is still to be written. The next piece is made as
 * soon as the last one is out, so this holds until the frame's last byte
 * has been written. */
static bool pending(const sarafw_xmodem *x)
{
	return x->out_pos < x->out_len;
}

/* Bytes of the current frame already written. */
static size_t written(const sarafw_xmodem *x)
{
	return (size_t)(x->gen - x->out_len + x->out_pos);
}

/* Queues a frame of len bytes (EOT, CANs) already in buf. */
static void queue_bytes(sarafw_xmodem *x, size_t len)
{
	x->flen = x->gen = x->out_len = (uint16_t)len;
	x->out_pos = 0;
}

static void finish(sarafw_xmodem *x, int err, bool send_can)
{
	x->err = err;
	x->state = ST_END;
	x->armed = 0;
	queue_bytes(x, 0);
	if (send_can) {
		/* Forsberg: two CANs abort; send more in case line noise eats some. */
		memset(x->cfg.buf, SARAFW_XMODEM_CAN, SARAFW_XMODEM_CAN_COUNT);
		queue_bytes(x, SARAFW_XMODEM_CAN_COUNT);
	}
}

/* Puts the next piece of the current block into buf, as many bytes as
 * fit from x->gen on: header, data read from the package in place and
 * padded with 0x1A, then the check, computed as the data goes by.
 * Returns false when a read failed before any byte of the block was
 * written: then the block cannot go. A read that fails later spoils it:
 * the rest goes out as padding and the check is inverted, so the
 * receiver rejects the block (a frame cut short would have it wait for
 * bytes, then take our CANs for data). */
static bool fill(sarafw_xmodem *x)
{
	uint8_t *b = x->cfg.buf;
	size_t room = x->cfg.buf_size, n = 0, pos = x->gen;
	size_t pay_end = 3u + x->payload, data_end = 3u + x->bs;

	if (pos == 0) {
		sarafw_xmodem_header(b, x->blk, x->bs);
		x->check = 0;
		x->spoiled = 0;
		n = pos = 3;
	}
	while (n < room && pos < x->flen) {
		uint8_t *d = b + n;
		size_t k = room - n, end = pos < pay_end ? pay_end : data_end;
		if (pos >= data_end) {
			/* CRC-16 high byte first; the checksum is one byte */
			uint16_t c = x->spoiled ? (uint16_t)~x->check : x->check;
			*d = (uint8_t)(x->crc && pos == data_end ? c >> 8 : c);
			k = 1;
		} else {
			bool data = pos < pay_end && !x->spoiled;
			if (k > end - pos)
				k = end - pos;
			if (data && x->cfg.read(x->cfg.ctx, x->offset + (uint32_t)(pos - 3u), d, k) != (int)k) {
				if (x->gen == 0)
					return false;
				x->spoiled = 1;
				data = false;
			}
			if (!data)
				memset(d, SARAFW_XMODEM_PAD, k);
			if (x->crc)
				x->check = sarafw_xmodem_crc16(x->check, d, k);
			else
				x->check = (uint8_t)(x->check + sarafw_xmodem_checksum(d, k));
		}
		n += k;
		pos += k;
	}
	x->gen = (uint16_t)pos;
	x->out_len = (uint16_t)n;
	x->out_pos = 0;
	return true;
}

/* Starts the current frame, block or EOT, from its first byte: a block
 * sent again is read again. The write itself must end within the ACK
 * timeout, so a line that never drains cannot stall the engine. */
static void queue(sarafw_xmodem *x, uint32_t now)
{
	if (x->state == ST_EOT) {
		x->cfg.buf[0] = SARAFW_XMODEM_EOT;
		queue_bytes(x, 1);
	} else {
		x->flen = (uint16_t)(3u + x->bs + (x->crc ? 2u : 1u));
		x->gen = 0;
		if (!fill(x)) {
			finish(x, SARAFW_EIO, true);
			return;
		}
	}
	arm(x, now, x->cfg.ack_timeout_ms);
}

/* Builds the block at x->offset, or EOT when the package is all acked. */
static void build(sarafw_xmodem *x, uint32_t now)
{
	uint32_t left = x->cfg.size - x->offset;
	size_t bs = x->cfg.block_size;

	x->retries = 0;
	x->state = left ? ST_BLOCK : ST_EOT;
	/* Forsberg: 1k and 128-byte blocks may be mixed; a short tail in
	 * SOH blocks saves the padding of a mostly empty 1k block. */
	if (bs == 1024 && left <= SARAFW_XMODEM_SHORT_TAIL)
		bs = 128;
	x->bs = (uint16_t)bs;
	x->payload = (uint16_t)(left < bs ? left : bs);
	queue(x, now);
	if (x->state == ST_BLOCK)
		x->stats.blocks++;
}

/* Sends the current block or EOT again; counted: as a retransmission. */
static void resend(sarafw_xmodem *x, uint32_t now, bool counted)
{
	if (x->retries >= x->cfg.max_retries) {
		finish(x, SARAFW_ERETRY, true);
		return;
	}
	x->retries++;
	x->stats.retransmissions = saturate(x->stats.retransmissions + counted);
	queue(x, now);
}

int sarafw_xmodem_start(sarafw_xmodem *x, const sarafw_xmodem_config *cfg, uint32_t now)
{
	if (!x)
		return SARAFW_EINVAL;
	memset(x, 0, sizeof *x);
	x->state = ST_END;
	x->err = SARAFW_EINVAL;
	if (!cfg || !cfg->buf || (cfg->block_size != 128 && cfg->block_size != 1024) ||
	    cfg->buf_size < SARAFW_XMODEM_BUF_MIN ||
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
			x->stats.garbage = saturate(x->stats.garbage + 1u);
			continue;
		}
		if (x->spoiled && (c == SARAFW_XMODEM_ACK || c == SARAFW_XMODEM_NAK)) {
			/* The receiver has dealt with the spoiled block and
			 * waits for a header: the CANs land there. */
			finish(x, SARAFW_EIO, true);
			return i + 1;
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
				x->stats.naks = saturate(x->stats.naks + 1u);
			resend(x, now, !handshake);
			if (x->state == ST_END)
				return i + 1;
		} else {
			x->stats.garbage = saturate(x->stats.garbage + 1u);
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
	return (size_t)(x->out_len - x->out_pos);
}

void sarafw_xmodem_sent(sarafw_xmodem *x, size_t n, uint32_t now)
{
	if (!pending(x))
		return;
	if (n > (size_t)(x->out_len - x->out_pos))
		n = (size_t)(x->out_len - x->out_pos);
	x->out_pos = (uint16_t)(x->out_pos + n);
	if (pending(x))
		return;
	if (x->gen < x->flen) {
		fill(x); /* the next piece; a read failure spoils the block */
		return;
	}
	if (x->state != ST_END) {
		arm(x, now, x->cfg.ack_timeout_ms);
	} else if (x->can_due) {
		x->can_due = 0;
		finish(x, x->err, true);
	} else {
		queue_bytes(x, 0);
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
	} else if (x->spoiled) {
		/* No answer to the spoiled block: the CANs go anyway. */
		finish(x, SARAFW_EIO, true);
	} else {
		/* Forsberg: no answer in 10 s, send the block again. */
		x->stats.timeouts = saturate(x->stats.timeouts + 1u);
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
	if (pending(x) && written(x) > 0) {
		/* Half a block is on the line: CANs inside it would be taken
		 * for data, so they follow the rest of the block, which is
		 * still read and sent piece by piece. */
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
