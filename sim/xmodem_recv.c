/* sarafw-sim: module-side XMODEM receiver (note §5.1.1, Forsberg). */
#include "xmodem_recv.h"

#include <string.h>

#include "sarafw/xmodem.h"

enum {
	ST_START,     /* sending 'C' / NAK, waiting for the first header */
	ST_WAIT,      /* waiting for a header, EOT or CAN */
	ST_BLOCK,     /* inside a block */
	ST_PURGE,     /* bad block: waiting for silence, then NAK */
	ST_EOT_QUIET, /* first EOT: waiting for silence, then NAK */
	ST_END,       /* terminal */
};

void simx_config_default(struct simx_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->c_count = 3;
	cfg->c_interval_ms = 3000;
	cfg->nak_count = 10;
	cfg->nak_interval_ms = 10000;
	cfg->block_timeout_ms = 10000;
	cfg->char_timeout_ms = 1000;
	cfg->purge_ms = 1000;
	cfg->purge_max_ms = 10000;
	cfg->max_errors = 10;
}

static void emit(struct simx *x, uint8_t c)
{
	/* Only a caller that never drains can fill the buffer; input() stops
	 * consuming before that, so a reply is never lost in normal use. */
	if (x->out_len < SIMX_OUT_MAX)
		x->out[x->out_len++] = c;
}

static void finish(struct simx *x, enum simx_status s, enum simx_reason r)
{
	x->status = s;
	x->reason = r;
	x->state = ST_END;
	x->deadline = SIMX_NO_DEADLINE;
}

/* Forsberg: two CANs cancel; the sender needs both to believe it. */
static void give_up(struct simx *x, enum simx_reason r)
{
	emit(x, SARAFW_XMODEM_CAN);
	emit(x, SARAFW_XMODEM_CAN);
	finish(x, SIMX_FAILED, r);
}

/* Start schedule (note §5.1.1). "The first three "C" characters are sent
 * with a 3 s timeout after the last one, and the next ten <NACK> ... with
 * a 10 s timeout after the last one. The total timeout is 109 s": each
 * character is followed by its own wait, so 'C' at 0, 3, 6 s, NAK at 9,
 * 19, ... 99 s, and the window closes 10 s after the last NAK, at 109 s. */
static uint64_t start_time(const struct simx *x, uint32_t k)
{
	const struct simx_config *c = &x->cfg;
	if (k < c->c_count)
		return x->t0 + (uint64_t)k * c->c_interval_ms;
	return x->t0 + (uint64_t)c->c_count * c->c_interval_ms +
	       (uint64_t)(k - c->c_count) * c->nak_interval_ms;
}

static uint64_t window_end(const struct simx *x)
{
	if (x->cfg.start_window_ms)
		return x->t0 + x->cfg.start_window_ms;
	return start_time(x, x->cfg.c_count + x->cfg.nak_count);
}

static uint64_t start_deadline(const struct simx *x)
{
	uint64_t end = window_end(x);
	if (x->start_next < x->cfg.c_count + x->cfg.nak_count) {
		uint64_t t = start_time(x, x->start_next);
		if (t < end)
			return t;
	}
	return end;
}

static void tick_start(struct simx *x, uint64_t now)
{
	uint32_t total = x->cfg.c_count + x->cfg.nak_count;
	uint64_t end = window_end(x);
	uint32_t k = x->start_next;

	/* Send one character for this tick; characters a late caller missed
	 * are skipped rather than sent as a burst. */
	while (k < total && start_time(x, k) <= now && start_time(x, k) < end)
		k++;
	if (k != x->start_next) {
		x->start_char = k <= x->cfg.c_count ? SARAFW_XMODEM_CRC : SARAFW_XMODEM_NAK;
		emit(x, x->start_char);
		x->stats.start_chars++;
		x->start_next = k;
	}
	if (now >= end && start_deadline(x) == end) {
		finish(x, SIMX_TIMEOUT, SIMX_R_START_TIMEOUT);
		return;
	}
	x->deadline = start_deadline(x);
}

static void wait_header(struct simx *x, uint64_t now)
{
	x->state = ST_WAIT;
	x->deadline = now + x->cfg.block_timeout_ms;
}

static void nak(struct simx *x, uint64_t now)
{
	emit(x, SARAFW_XMODEM_NAK);
	x->stats.retries++;
	wait_header(x, now);
}

/* Counts an error on the current block. Returns false (and cancels) when
 * the block has had its max_errors retries. */
static bool count_error(struct simx *x, enum simx_reason why)
{
	if (++x->errors > x->cfg.max_errors) {
		give_up(x, why);
		return false;
	}
	return true;
}

/* Bad or short block, or garbage where a header was due: Forsberg's
 * receiver purges (reads until the line is silent) before the NAK, so the
 * sender is not asked to resend while it is still sending. */
static void purge(struct simx *x, uint64_t now)
{
	if (!count_error(x, SIMX_R_RETRIES))
		return;
	x->state = ST_PURGE;
	x->purge_from = now;
	uint64_t quiet = x->last_rx + x->cfg.purge_ms, cap = now + x->cfg.purge_max_ms;
	x->deadline = quiet < cap ? quiet : cap;
}

static void begin_block(struct simx *x, uint8_t h, uint64_t now)
{
	if (!x->stats.mode_known) {
		/* note §5.1.1: CRC if the data came while 'C's were being sent,
		 * otherwise checksum. The sender answers the last character it
		 * heard from us. */
		x->stats.mode_known = true;
		x->stats.crc_mode = x->start_char == SARAFW_XMODEM_CRC;
	}
	x->frame[0] = h;
	x->frame_len = 1;
	x->frame_need = 3 + (h == SARAFW_XMODEM_STX ? 1024u : 128u) + (x->stats.crc_mode ? 2u : 1u);
	x->state = ST_BLOCK;
	x->deadline = now + x->cfg.char_timeout_ms;
}

static bool check_ok(const struct simx *x, const uint8_t *d, size_t n)
{
	if (x->stats.crc_mode) {
		uint16_t crc = (uint16_t)(d[n] << 8 | d[n + 1]);
		return sarafw_xmodem_crc16(0, d, n) == crc;
	}
	return sarafw_xmodem_checksum(d, n) == d[n];
}

static void end_block(struct simx *x, uint64_t now)
{
	const uint8_t *f = x->frame;
	size_t n = f[0] == SARAFW_XMODEM_STX ? 1024u : 128u;
	uint8_t blk = f[1];

	/* Forsberg's order: complement, then check, then sequence; the block
	 * number is outside the CRC, so it is trusted only once both passed. */
	if ((uint8_t)(f[1] ^ f[2]) != 0xFF) {
		x->stats.bad_header++;
		purge(x, now);
		return;
	}
	if (!check_ok(x, f + 3, n)) {
		x->stats.bad_check++;
		purge(x, now);
		return;
	}
	if (blk == x->expected) {
		if (x->cfg.sink && x->cfg.sink(x->cfg.sink_ctx, (uint32_t)x->stats.bytes, f + 3, n) != 0) {
			give_up(x, SIMX_R_SINK);
			return;
		}
		x->stats.blocks++;
		x->stats.blocks_1k += n == 1024;
		x->stats.bytes += n;
		x->expected++;
		x->have_prev = true;
		x->errors = 0;
		x->eot_naked = false;
		emit(x, SARAFW_XMODEM_ACK);
		wait_header(x, now);
	} else if (x->have_prev && blk == (uint8_t)(x->expected - 1)) {
		/* The sender missed our ACK: ACK again, keep nothing. It counts
		 * against the block, so a sender that never hears us ends. */
		x->stats.duplicates++;
		if (!count_error(x, SIMX_R_RETRIES))
			return;
		emit(x, SARAFW_XMODEM_ACK);
		wait_header(x, now);
	} else {
		/* Forsberg: a block out of sequence is a fatal loss of sync. */
		give_up(x, SIMX_R_SEQUENCE);
	}
}

/* A byte where a block header is due (ST_START, ST_WAIT). */
static void header_byte(struct simx *x, uint8_t c, uint64_t now)
{
	bool can = c == SARAFW_XMODEM_CAN;

	if (can && x->can_seen) {
		finish(x, SIMX_CANCELLED, SIMX_R_SENDER_CAN);
		return;
	}
	x->can_seen = can;
	if (can)
		return; /* one CAN alone may be noise: wait for the second */
	if (c == SARAFW_XMODEM_SOH || c == SARAFW_XMODEM_STX) {
		begin_block(x, c, now);
		return;
	}
	if (x->state == ST_START) {
		/* The host may type AT commands in the window (note §5.1.1: they
		 * are not accepted): ignored, the start sequence goes on. */
		x->stats.garbage++;
		return;
	}
	if (c == SARAFW_XMODEM_EOT) {
		x->stats.eots++;
		if (x->eot_naked) {
			emit(x, SARAFW_XMODEM_ACK);
			finish(x, SIMX_DONE, SIMX_R_NONE);
			return;
		}
		/* Forsberg: NAK the first EOT, ACK the second, so a header
		 * garbled into EOT does not end the transfer. The NAK waits for
		 * a silent line: a garbled header is followed by the block. */
		x->state = ST_EOT_QUIET;
		x->deadline = now + x->cfg.purge_ms;
		return;
	}
	x->stats.garbage++;
	purge(x, now);
}

static size_t block_bytes(struct simx *x, const uint8_t *d, size_t len, uint64_t now)
{
	size_t n = x->frame_need - x->frame_len;
	if (n > len)
		n = len;
	memcpy(x->frame + x->frame_len, d, n);
	x->frame_len += n;
	x->deadline = now + x->cfg.char_timeout_ms;
	if (x->frame_len == x->frame_need)
		end_block(x, now);
	return n;
}

void simx_init(struct simx *x, const struct simx_config *cfg, uint64_t now)
{
	memset(x, 0, sizeof *x);
	x->cfg = *cfg;
	x->t0 = now;
	x->last_rx = now;
	x->expected = 1;
	x->state = ST_START;
	x->status = SIMX_RUNNING;
	tick_start(x, now);
}

static void tick_once(struct simx *x, uint64_t now)
{
	switch (x->state) {
	case ST_START:
		tick_start(x, now);
		break;
	case ST_WAIT:
		/* Silent sender (or our reply was lost): ask again. */
		x->stats.timeouts++;
		x->can_seen = false;
		if (count_error(x, SIMX_R_SILENCE))
			nak(x, now);
		break;
	case ST_BLOCK:
		/* Short block: the line has already been silent for
		 * char_timeout_ms, which is the purge's own condition. */
		x->stats.short_blocks++;
		purge(x, now);
		break;
	case ST_PURGE:
		nak(x, now);
		break;
	case ST_EOT_QUIET:
		x->eot_naked = true;
		emit(x, SARAFW_XMODEM_NAK);
		wait_header(x, now);
		break;
	}
}

void simx_tick(struct simx *x, uint64_t now)
{
	/* A timer may make the next one due at once (a short block whose
	 * silence already covers the purge). Each step sends a reply or counts
	 * an error, so a bound only guards against a zeroed config. */
	for (int n = 0; n < 64 && x->state != ST_END && now >= x->deadline; n++)
		tick_once(x, now);
}

size_t simx_input(struct simx *x, const uint8_t *data, size_t len, uint64_t now)
{
	size_t i = 0;

	simx_tick(x, now);
	while (i < len) {
		/* Room for the largest reply (CAN CAN) or stop here. */
		if (SIMX_OUT_MAX - x->out_len < 2)
			break;
		uint8_t c = data[i];
		switch (x->state) {
		case ST_START:
		case ST_WAIT:
			x->last_rx = now;
			header_byte(x, c, now);
			i++;
			break;
		case ST_BLOCK:
			x->last_rx = now;
			i += block_bytes(x, data + i, len - i, now);
			break;
		case ST_PURGE: {
			x->last_rx = now;
			uint64_t quiet = now + x->cfg.purge_ms, cap = x->purge_from + x->cfg.purge_max_ms;
			x->deadline = quiet < cap ? quiet : cap;
			/* Everything until silence is discarded, CANs too: the
			 * rest of a garbled block is binary data. */
			i = len;
			break;
		}
		case ST_EOT_QUIET:
			x->last_rx = now;
			i++;
			if (c == SARAFW_XMODEM_EOT) {
				/* An impatient sender resent its EOT: that is the
				 * confirmation the NAK would have asked for. */
				x->stats.eots++;
				emit(x, SARAFW_XMODEM_ACK);
				finish(x, SIMX_DONE, SIMX_R_NONE);
			} else {
				/* Not an end: the "EOT" was a garbled header. */
				x->stats.garbage++;
				purge(x, now);
			}
			break;
		default:
			/* Terminal. After DONE, a resent EOT means the sender
			 * missed our ACK: ACK it again. */
			if (x->status == SIMX_DONE && c == SARAFW_XMODEM_EOT) {
				x->stats.eots++;
				emit(x, SARAFW_XMODEM_ACK);
			}
			i++;
			break;
		}
	}
	return i;
}

uint64_t simx_next_deadline(const struct simx *x)
{
	return x->state == ST_END ? SIMX_NO_DEADLINE : x->deadline;
}

int simx_poll_timeout(const struct simx *x, uint64_t now)
{
	uint64_t d = simx_next_deadline(x);
	if (d == SIMX_NO_DEADLINE)
		return -1;
	if (d <= now)
		return 0;
	return d - now > 0x7fffffff ? 0x7fffffff : (int)(d - now);
}

size_t simx_output(const struct simx *x, const uint8_t **data)
{
	*data = x->out;
	return x->out_len;
}

void simx_output_consume(struct simx *x, size_t n)
{
	if (n >= x->out_len) {
		x->out_len = 0;
		return;
	}
	memmove(x->out, x->out + n, x->out_len - n);
	x->out_len -= n;
}

void simx_cancel(struct simx *x)
{
	if (x->state != ST_END)
		give_up(x, SIMX_R_LOCAL);
}

enum simx_status simx_status(const struct simx *x)
{
	return x->status;
}

enum simx_reason simx_reason(const struct simx *x)
{
	return x->reason;
}

const struct simx_stats *simx_stats(const struct simx *x)
{
	return &x->stats;
}

const char *simx_status_str(enum simx_status s)
{
	switch (s) {
	case SIMX_RUNNING: return "running";
	case SIMX_DONE: return "done";
	case SIMX_TIMEOUT: return "timeout";
	case SIMX_CANCELLED: return "cancelled";
	case SIMX_FAILED: return "failed";
	}
	return "?";
}

const char *simx_reason_str(enum simx_reason r)
{
	switch (r) {
	case SIMX_R_NONE: return "none";
	case SIMX_R_START_TIMEOUT: return "no block within the start window";
	case SIMX_R_SENDER_CAN: return "sender cancelled (CAN CAN)";
	case SIMX_R_SEQUENCE: return "block out of sequence";
	case SIMX_R_RETRIES: return "too many bad blocks";
	case SIMX_R_SILENCE: return "sender silent";
	case SIMX_R_SINK: return "storage refused a block";
	case SIMX_R_LOCAL: return "cancelled by the module";
	}
	return "?";
}
