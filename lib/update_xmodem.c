/* FOAT with +UFWUPD and XMODEM (note §5.1): the host's half of the
 * exchange as a step engine that never waits, and the blocking call as a
 * loop over it. Every wait ends at one deadline: the AT engine's for a
 * command, the XMODEM engine's inside the transfer, the probe's, or the
 * engine's own timer for a quiet line. */
#include <string.h>

#include "sarafw/cmdbuf.h"
#include "sarafw/error.h"
#include "sarafw/foat.h"
#include "sarafw/probe.h"
#include "sarafw/timeouts.h"
#include "note.h"
#include "str.h"

/* The states, grouped by who reads the line: the AT engine (commands),
 * the rate switch, the probe, the XMODEM engine, nobody (quiet waits). */
enum {
	F_RATE,         /* the rate switch, to cfg->baud or back (sarafw/rate.h) */
	F_PREP,         /* AT+UFWUPD=3 pending, waiting for ONGOING */
	F_FINAL,        /* SARA-R422 family: the final result code (§5.1.1) */
	F_CANCEL_WAIT,  /* aborted while preparing: wait for the window */
	F_CANCEL_END,   /* CAN CAN sent: the module's answer, if any */
	F_PROBE_AFTER,  /* SARA-R410M/R412M: AT accepted again */
	F_PROBE_CANCEL, /* after the cancel: AT answered again */
	F_XFER,         /* XMODEM */
	F_QUIET,        /* SARA-R410M/R412M: the line falls quiet (§5.1.2) */
	F_DONE,
};

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static uint32_t until(uint32_t now, uint32_t t)
{
	return sarafw_time_reached(now, t) ? 0 : t - now;
}

static const sarafw_variant *variant(const sarafw_foat *f)
{
	return f->dev->variant;
}


/* Every event's total is the package's size (the transfer's too). */
static void report(sarafw_foat *f, sarafw_foat_phase phase, uint32_t done)
{
	if (f->cfg->progress)
		f->cfg->progress(f->cfg->progress_ctx, phase, done, f->cfg->size);
}

static void queue_cancel(sarafw_foat *f)
{
	uint8_t can[SARAFW_XMODEM_CAN_COUNT < SARAFW_DEV_TX ? SARAFW_XMODEM_CAN_COUNT : SARAFW_DEV_TX];
	memset(can, SARAFW_XMODEM_CAN, sizeof can);
	sarafw_dev_queue(f->dev, can, sizeof can);
	SARAFW_NOTE(f->dev, "cancelling the XMODEM window (CAN CAN)");
}

static void finish(sarafw_foat *f)
{
	sarafw_guard_set(f->dev, SARAFW_DL_NONE);
	f->state = F_DONE;
	f->status = f->rc;
	if (f->rc == SARAFW_OK)
		report(f, SARAFW_FOAT_DONE, f->cfg->size);
}

/* The end of the flow: back to the host's rate first if it was switched
 * (note §5.1.1 "Additional rate"), whatever happened. */
static void wind_up(sarafw_foat *f, uint32_t now)
{
	sarafw_guard_set(f->dev, SARAFW_DL_NONE);
	if (f->switched && !f->back) {
		f->back = 1;
		sarafw_rate_start(&f->u.rate, f->dev, f->cfg->baud, f->cfg->host_baud, true, now);
		f->state = F_RATE;
		return;
	}
	finish(f);
}

static void fail(sarafw_foat *f, int rc, uint32_t now)
{
	if (!f->rc)
		f->rc = rc;
	wind_up(f, now);
}

static void start_probe(sarafw_foat *f, uint32_t timeout, uint8_t state, uint32_t now)
{
	sarafw_probe_start(&f->u.probe, f->dev, timeout, now);
	f->state = state;
}

static void start_prep(sarafw_foat *f, uint32_t now)
{
	int rc;
	if (f->aborted) {
		fail(f, SARAFW_ECANCEL, now);
		return;
	}
	report(f, SARAFW_FOAT_PREPARE, 0);
	/* note §5.1.1: ~5 s (§5.1.2: ~20 s) to prepare, then ONGOING */
	rc = sarafw_dev_command(f->dev, "AT+UFWUPD=3", "+UFWUPD", now, variant(f)->limits->foat_prep_ms);
	if (rc) {
		fail(f, rc, now);
		return;
	}
	f->state = F_PREP;
}

/* The rate switch took input or time: act on its end, if it came. */
static void rate_ran(sarafw_foat *f, uint32_t now)
{
	int rc = sarafw_rate_status(&f->u.rate);
	if (rc == SARAFW_RUNNING)
		return;
	if (f->back) {
		if (rc != SARAFW_OK)
			f->rc = (int16_t)rc; /* EBAUDBACK says more than an earlier error */
		finish(f);
	} else if (rc != SARAFW_OK) {
		f->switched = 0; /* the switch brought both sides home itself */
		fail(f, rc, now);
	} else {
		start_prep(f, now);
	}
}

static void start_xmodem(sarafw_foat *f, uint32_t now)
{
	sarafw_xmodem_config xc = {
		.buf = f->cfg->buf,
		.buf_size = f->cfg->buf_size,
		.size = f->cfg->size,
		.read = f->cfg->read,
		.ctx = f->cfg->ctx,
		.block_size = f->cfg->block_size,
		/* the module sends 'C' then NAK for its window, then gives up */
		.start_timeout_ms = variant(f)->limits->xmodem_window_ms,
	};
	sarafw_guard_set(f->dev, SARAFW_DL_UFWUPD);
	SARAFW_NOTE(f->dev, "XMODEM window open");
	f->reported = UINT32_MAX;
	sarafw_xmodem_start(&f->u.x, &xc, now); /* the config was checked by start */
	f->state = F_XFER;
}

/* Trace what the XMODEM exchange did since the last call: the start mode,
 * NAKs, timeouts and resent blocks, with the offset of the block. */
static void trace_xmodem(sarafw_foat *f)
{
	const sarafw_xmodem_stats *st = sarafw_xmodem_get_stats(&f->u.x);
	char text[48];
	sarafw_cmdbuf b;
	bool started = f->seen_started;
	if (!SARAFW_TRACE_NOTES || !f->dev->cfg.trace)
		return;
	sarafw_cmdbuf_init(&b, text, sizeof text);
	/* the low 16 bits of each counter tell that it moved */
	if (st->blocks && !started)
		sarafw_cmdbuf_str(&b, sarafw_xmodem_crc_mode(&f->u.x) ? "XMODEM started, CRC-16" : "XMODEM started, checksum");
	else if ((uint8_t)st->naks != f->seen_naks)
		sarafw_cmdbuf_str(&b, "XMODEM NAK at offset ");
	else if ((uint8_t)st->timeouts != f->seen_timeouts)
		sarafw_cmdbuf_str(&b, "XMODEM no answer, resending offset ");
	else if ((uint8_t)st->retransmissions != f->seen_resent)
		sarafw_cmdbuf_str(&b, "XMODEM resent offset ");
	else
		return;
	if (started) {
		uint32_t acked, total;
		sarafw_xmodem_progress(&f->u.x, &acked, &total);
		sarafw_cmdbuf_u32(&b, acked); /* the block after the acknowledged bytes */
	}
	f->seen_started = st->blocks != 0;
	f->seen_naks = (uint8_t)st->naks;
	f->seen_timeouts = (uint8_t)st->timeouts;
	f->seen_resent = (uint8_t)st->retransmissions;
	SARAFW_NOTE(f->dev, text);
}

/* After the transfer: the result of +UFWUPD as a whole. */
static void stored_or_not(sarafw_foat *f, int rc, uint32_t now)
{
	if (!f->rc)
		f->rc = rc;
	if (f->rc == SARAFW_OK)
		report(f, SARAFW_FOAT_STORED, f->cfg->size);
	wind_up(f, now);
}

/* The XMODEM engine ended and its last bytes (CANs) are out. */
static void check_transfer(sarafw_foat *f, uint32_t now)
{
	const uint8_t *p;
	uint32_t acked;
	int xrc = sarafw_xmodem_status(&f->u.x);

	trace_xmodem(f);
	sarafw_xmodem_progress(&f->u.x, &acked, NULL);
	if (f->reported != UINT32_MAX && acked != f->reported) {
		f->reported = acked;
		report(f, SARAFW_FOAT_TRANSFER, acked);
	}
	if (xrc == SARAFW_XMODEM_RUNNING || sarafw_xmodem_output(&f->u.x, &p))
		return;
	f->stats = *sarafw_xmodem_get_stats(&f->u.x); /* the probe reuses its room */
	SARAFW_NOTE(f->dev, xrc ? "XMODEM transfer failed" : "XMODEM transfer complete");
	report(f, SARAFW_FOAT_FINISH, f->cfg->size);
	f->rc = xrc;
	if (variant(f)->family == SARAFW_FAMILY_R422) {
		/* SARA-R422 family ends +UFWUPD with a final result code
		 * (§5.1.1); after a failed transfer the module may still be in
		 * its window. */
		sarafw_at_deadline(&f->dev->at, now, xrc ? variant(f)->limits->xmodem_window_ms : SARAFW_FOAT_FINAL_MS);
		f->state = F_FINAL;
		return;
	}
	/* SARA-R410M/R412M give no indication and simply accept AT again
	 * (§5.1.2): let the line fall quiet, then probe. */
	sarafw_at_end(&f->dev->at);
	f->timer = now + SARAFW_QUIET_MS;
	f->timer_end = now + SARAFW_ANSWER_MS;
	f->state = F_QUIET;
}

/* The probe sub-engine took input or time: act on its end, if it came. */
static void probe_ran(sarafw_foat *f, uint32_t now)
{
	int rc = sarafw_probe_status(&f->u.probe);
	if (rc == SARAFW_RUNNING)
		return;
	switch (f->state) {
	case F_PROBE_AFTER:
		stored_or_not(f, rc, now);
		break;
	case F_PROBE_CANCEL:
		if (rc != SARAFW_OK)
			SARAFW_NOTE(f->dev, "no answer to AT after the cancel");
		wind_up(f, now);
		break;
	default:
		break;
	}
}

/* The module's window is (or may be) open: cancel it, then wait briefly
 * for its answer (ERROR on the SARA-R422 family, nothing on R410M). */
static void cancel_now(sarafw_foat *f, uint32_t now)
{
	f->cancels++;
	queue_cancel(f);
	report(f, SARAFW_FOAT_CANCEL, 0);
	if (!f->dev->at.pending)
		sarafw_at_begin(&f->dev->at, "", NULL, false, now, SARAFW_CANCEL_MS);
	else
		sarafw_at_deadline(&f->dev->at, now, SARAFW_CANCEL_MS);
	f->state = F_CANCEL_END;
}

/* An AT event in one of the command states. Returns true when the state
 * changed (the rest of the input belongs to the next state). */
static bool at_event(sarafw_foat *f, const sarafw_at_event *ev, uint32_t now)
{
	bool ongoing = ev->type == SARAFW_AT_EV_RESPONSE && sarafw_str_starts(ev->line, "+UFWUPD: ONGOING");
	int rc; /* the command's end: its final result code, or SARAFW_ETIMEOUT */

	if (ev->type == SARAFW_AT_EV_FINAL) {
		sarafw_at_end(&f->dev->at);
		rc = sarafw_dev_final(f->dev, ev);
	} else if (ev->type == SARAFW_AT_EV_TIMEOUT) {
		rc = SARAFW_ETIMEOUT; /* the command stays pending */
	} else if (!ongoing) {
		return false;
	} else {
		rc = SARAFW_OK;
	}
	switch (f->state) {
	case F_PREP:
		if (ongoing) {
			start_xmodem(f, now);
		} else if (ev->type == SARAFW_AT_EV_TIMEOUT) {
			/* ONGOING may have been garbled: the window may be open */
			f->rc = SARAFW_ETIMEOUT;
			cancel_now(f, now);
		} else {
			fail(f, rc ? rc : SARAFW_EPROTO, now); /* OK without ONGOING: not understood */
		}
		return true;
	case F_CANCEL_WAIT:
		if (ev->type == SARAFW_AT_EV_FINAL)
			wind_up(f, now); /* the module ended +UFWUPD by itself (refused, or failed) */
		else
			cancel_now(f, now);
		return true;
	case F_FINAL:
		if (ongoing)
			return false;
		sarafw_at_end(&f->dev->at);
		stored_or_not(f, rc, now);
		return true;
	case F_CANCEL_END:
		if (ongoing) {
			if (f->cancels >= 2)
				return false;
			/* the window opened after the first CANs: once more */
			cancel_now(f, now);
			return true;
		}
		sarafw_at_end(&f->dev->at);
		/* An R410M says nothing after a cancel, and its "OK" after
		 * ONGOING (§5.1.2.1) is no answer to it: confirm with AT (the
		 * probe cancels again if the window is still open). */
		start_probe(f, SARAFW_ANSWER_MS, F_PROBE_CANCEL, now);
		return true;
	default:
		return false;
	}
}

int sarafw_foat_start(sarafw_foat *f, sarafw_dev *dev, const sarafw_foat_config *cfg, uint32_t now)
{
	memset(f, 0, sizeof *f);
	f->dev = dev;
	f->state = F_DONE;
	f->status = SARAFW_EINVAL;
	if (!dev)
		return f->status;
	dev->tx_len = dev->tx_pos = 0; /* the output is the engine's from now on */
	if (!cfg || !cfg->read || (cfg->block_size != 128 && cfg->block_size != 1024) ||
	    !cfg->buf || cfg->buf_size < SARAFW_XMODEM_BUF_MIN)
		return f->status;
	f->cfg = cfg;
	f->status = SARAFW_ENOTSUP;
	if (!dev->variant || !(variant(f)->methods & SARAFW_METHOD_FOAT))
		return f->status;
	if (cfg->baud && sarafw_rate_check(dev, cfg->host_baud, cfg->baud))
		return f->status;
	f->status = SARAFW_RUNNING;
	if (cfg->baud && cfg->baud != cfg->host_baud) {
		report(f, SARAFW_FOAT_BAUD, 0);
		f->switched = 1;
		sarafw_rate_start(&f->u.rate, dev, cfg->host_baud, cfg->baud, false, now);
		f->state = F_RATE;
	} else {
		start_prep(f, now);
	}
	return f->status == SARAFW_RUNNING ? SARAFW_OK : f->status;
}

size_t sarafw_foat_output(sarafw_foat *f, const uint8_t **out)
{
	if (f->state == F_XFER)
		return sarafw_xmodem_output(&f->u.x, out);
	if (f->state == F_RATE)
		return sarafw_rate_output(&f->u.rate, out);
	return sarafw_dev_output(f->dev, out); /* the probe's too */
}

void sarafw_foat_sent(sarafw_foat *f, size_t n, uint32_t now)
{
	if (f->state == F_XFER) {
		if (f->reported == UINT32_MAX) {
			/* the clock of the data phase starts with the first block */
			f->reported = 0;
			report(f, SARAFW_FOAT_TRANSFER, 0);
		}
		sarafw_xmodem_sent(&f->u.x, n, now);
		check_transfer(f, now);
		return;
	}
	if (f->state == F_RATE) {
		sarafw_rate_sent(&f->u.rate, n, now);
		return;
	}
	sarafw_dev_sent(f->dev, n); /* the probe's too */
	if (f->state == F_CANCEL_END && f->dev->tx_pos == f->dev->tx_len && f->dev->at.pending)
		sarafw_at_deadline(&f->dev->at, now, SARAFW_CANCEL_MS); /* from the CANs on the line */
}

size_t sarafw_foat_input(sarafw_foat *f, const uint8_t *in, size_t n, uint32_t now)
{
	size_t i = 0;

	switch (f->state) {
	case F_DONE:
		return 0;
	case F_XFER:
		i = sarafw_xmodem_input(&f->u.x, in, n, now);
		check_transfer(f, now);
		return i;
	case F_RATE:
		i = sarafw_rate_input(&f->u.rate, in, n, now);
		rate_ran(f, now);
		return i;
	case F_PROBE_AFTER:
	case F_PROBE_CANCEL:
		i = sarafw_probe_input(&f->u.probe, in, n, now);
		probe_ran(f, now);
		return i;
	case F_QUIET:
		f->timer = now + SARAFW_QUIET_MS;
		return n; /* discarded */
	default:
		break;
	}
	while (i < n) {
		sarafw_at_event ev;
		size_t used = sarafw_dev_parse(f->dev, in + i, n - i, &ev);
		bool window = false;
		if (f->state == F_CANCEL_WAIT || (f->state == F_CANCEL_END && f->cancels < 2))
			window = sarafw_xmodem_waiting(&f->run, in + i, used);
		i += used;
		if (window) {
			/* 'C'/NAK: the window opened though ONGOING was lost */
			cancel_now(f, now);
			return i;
		}
		if (ev.type != SARAFW_AT_EV_NONE && at_event(f, &ev, now))
			return i;
	}
	return i;
}

void sarafw_foat_tick(sarafw_foat *f, uint32_t now)
{
	sarafw_at_event ev;

	switch (f->state) {
	case F_DONE:
		return;
	case F_RATE:
		sarafw_rate_tick(&f->u.rate, now);
		rate_ran(f, now);
		return;
	case F_XFER:
		sarafw_xmodem_tick(&f->u.x, now);
		check_transfer(f, now);
		return;
	case F_PROBE_AFTER:
	case F_PROBE_CANCEL:
		sarafw_probe_tick(&f->u.probe, now);
		probe_ran(f, now);
		return;
	case F_QUIET:
		if (sarafw_time_reached(now, f->timer) || sarafw_time_reached(now, f->timer_end))
			start_probe(f, variant(f)->limits->xmodem_window_ms, F_PROBE_AFTER, now);
		return;
	default:
		sarafw_at_tick(&f->dev->at, now, &ev);
		if (ev.type == SARAFW_AT_EV_TIMEOUT)
			(void)at_event(f, &ev, now);
		return;
	}
}

uint32_t sarafw_foat_wait_ms(const sarafw_foat *f, uint32_t now)
{
	if (f->state == F_RATE)
		return sarafw_rate_wait_ms(&f->u.rate, now);
	if (f->dev->tx_pos < f->dev->tx_len)
		return 0;
	switch (f->state) {
	case F_DONE:
		return UINT32_MAX;
	case F_XFER:
		return sarafw_xmodem_wait_ms(&f->u.x, now);
	case F_PROBE_AFTER:
	case F_PROBE_CANCEL:
		return sarafw_probe_wait_ms(&f->u.probe, now);
	case F_QUIET:
		return min32(until(now, f->timer), until(now, f->timer_end));
	default:
		return sarafw_at_wait_ms(&f->dev->at, now);
	}
}

uint32_t sarafw_foat_baud(const sarafw_foat *f)
{
	return f->state == F_RATE ? sarafw_rate_baud(&f->u.rate) : 0;
}

void sarafw_foat_baud_done(sarafw_foat *f, int rc, uint32_t now)
{
	if (f->state != F_RATE)
		return;
	sarafw_rate_baud_done(&f->u.rate, rc, now);
	rate_ran(f, now);
}

void sarafw_foat_io_error(sarafw_foat *f, int err, uint32_t now)
{
	(void)now;
	if (f->state == F_DONE)
		return;
	if (f->state == F_XFER) {
		sarafw_xmodem_abort(&f->u.x);
		f->stats = *sarafw_xmodem_get_stats(&f->u.x);
	}
	sarafw_at_end(&f->dev->at);
	f->rc = err;
	finish(f);
}

void sarafw_foat_abort(sarafw_foat *f)
{
	if (f->state == F_DONE || f->aborted)
		return;
	f->aborted = 1;
	if (f->state == F_PREP) {
		/* The module is preparing: its window opens with ONGOING. Wait
		 * for it (bounded by the preparation time), then cancel it. */
		f->rc = SARAFW_ECANCEL;
		f->state = F_CANCEL_WAIT;
		report(f, SARAFW_FOAT_CANCEL, 0);
		SARAFW_NOTE(f->dev, "aborting: waiting for the XMODEM window to cancel it");
	} else if (f->state == F_XFER) {
		report(f, SARAFW_FOAT_CANCEL, 0);
		sarafw_xmodem_abort(&f->u.x); /* CANs, then ECANCEL */
	}
	/* elsewhere: a forward baud switch stops before AT+UFWUPD; the rest
	 * (result code, switch back) finishes by itself */
}

int sarafw_foat_status(const sarafw_foat *f)
{
	return f->status;
}

const sarafw_xmodem_stats *sarafw_foat_stats(const sarafw_foat *f)
{
	return f->state == F_XFER ? sarafw_xmodem_get_stats(&f->u.x) : &f->stats;
}

static size_t e_output(void *e, const uint8_t **out) { return sarafw_foat_output(e, out); }
static void e_sent(void *e, size_t n, uint32_t now) { sarafw_foat_sent(e, n, now); }
static size_t e_input(void *e, const uint8_t *in, size_t n, uint32_t now) { return sarafw_foat_input(e, in, n, now); }
static void e_tick(void *e, uint32_t now) { sarafw_foat_tick(e, now); }
static uint32_t e_wait(const void *e, uint32_t now) { return sarafw_foat_wait_ms(e, now); }
static int e_status(const void *e) { return sarafw_foat_status(e); }
static uint32_t e_baud(const void *e) { return sarafw_foat_baud(e); }
static void e_baud_done(void *e, int rc, uint32_t now) { sarafw_foat_baud_done(e, rc, now); }
static void e_io_error(void *e, int err, uint32_t now) { sarafw_foat_io_error(e, err, now); }

const sarafw_engine sarafw_foat_engine = {
	.output = e_output,
	.sent = e_sent,
	.input = e_input,
	.tick = e_tick,
	.wait_ms = e_wait,
	.status = e_status,
	.baud = e_baud,
	.baud_done = e_baud_done,
	.io_error = e_io_error,
};

int sarafw_foat_xmodem(sarafw_dev *dev, const sarafw_foat_config *cfg, sarafw_xmodem_stats *stats)
{
	sarafw_foat f;
	int rc;
	const sarafw_port *p = dev->cfg.port;
	if (stats)
		memset(stats, 0, sizeof *stats);
	rc = sarafw_foat_start(&f, dev, cfg, p->now_ms(p->ctx));
	if (rc)
		return rc;
	do {
		if (cfg->cancel && cfg->cancel(cfg->cancel_ctx))
			sarafw_foat_abort(&f);
		rc = sarafw_dev_step(dev, &sarafw_foat_engine, &f,
				     cfg->cancel ? SARAFW_POLL_MS : UINT32_MAX);
	} while (rc == SARAFW_RUNNING);
	if (stats)
		*stats = *sarafw_foat_stats(&f);
	return rc;
}
