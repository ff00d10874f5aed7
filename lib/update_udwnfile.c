/* Downloads with AT+UDWNFILE (note §5.2): the host's half as a step
 * engine that never waits, and the blocking call as a loop over it. The
 * data goes out at link speed, with no turnaround: the module answers
 * once, after the last byte. Every wait ends at one deadline: the AT
 * engine's (prompt, final result, abort) or the probe's. */
#include <string.h>

#include "sarafw/cmdbuf.h"
#include "sarafw/error.h"
#include "sarafw/timeouts.h"
#include "sarafw/udwnfile.h"
#include "note.h"
#include "str.h"

enum {
	U_RATE,   /* the rate switch, to cfg->baud or back (sarafw/rate.h) */
	U_PROMPT, /* the command is out or going: waiting for '>' */
	U_DATA,   /* the data going out */
	U_FINAL,  /* all data with the port: the final result code */
	U_ABORT,  /* aborted or '>' lost: the module's own error */
	U_PROBE,  /* then AT, to know it answers */
	U_DONE,
};

static void report(sarafw_udwn *u, sarafw_foat_phase phase, uint32_t done)
{
	if (u->cfg->progress)
		u->cfg->progress(u->cfg->progress_ctx, phase, done, u->cfg->size);
}

static bool is_tag(const sarafw_udwn *u, const char *tag)
{
	return u->cfg->tag && sarafw_str_eq(u->cfg->tag, tag);
}

static void end(sarafw_udwn *u)
{
	u->state = U_DONE;
	u->status = u->rc;
	if (u->rc == SARAFW_OK)
		report(u, SARAFW_FOAT_DONE, u->cfg->size);
}

/* The end of the flow: back to the host's rate first if it was switched
 * (note §5.1.1 "Additional rate"), whatever happened. */
static void finish(sarafw_udwn *u, int rc, uint32_t now)
{
	if (!u->rc)
		u->rc = (int16_t)rc;
	sarafw_guard_set(u->dev, SARAFW_DL_NONE);
	u->buf_len = u->buf_pos = 0;
	if (u->switched && !u->back) {
		u->back = 1;
		sarafw_rate_start(&u->u.rate, u->dev, u->cfg->baud, u->cfg->host_baud, true, now);
		u->state = U_RATE;
		return;
	}
	end(u);
}

/* The module waits for bytes that will not come: let it time out and
 * answer (note §5.2 gives no figure), then check it answers AT. */
static void wait_module(sarafw_udwn *u, int rc, uint32_t now)
{
	if (!u->rc)
		u->rc = (int16_t)rc;
	u->buf_len = u->buf_pos = 0;
	sarafw_at_deadline(&u->dev->at, now, SARAFW_UDWNFILE_ABORT_MS);
	u->state = U_ABORT;
	SARAFW_NOTE(u->dev, "+UDWNFILE: data stopped, waiting for the module to give up");
}

/* The bound for the final result once the port took the last byte: the
 * module's commit, and the bytes the port may still hold crossing the
 * line (SARAFW_PORT_QUEUE_MAX; unknown rate: 9600 b/s, the slowest). */
static uint32_t final_ms(const sarafw_udwn *u)
{
	uint32_t rate = u->switched ? u->cfg->baud : u->cfg->host_baud;
	uint32_t queue = u->cfg->size < SARAFW_PORT_QUEUE_MAX ? u->cfg->size : SARAFW_PORT_QUEUE_MAX;
	if (rate < 9600u)
		rate = 9600u;
	/* 10 bits a byte: queue * 10 * 1000 / rate, without overflow */
	return SARAFW_UDWNFILE_FINAL_MS + (uint32_t)(((uint64_t)queue * 10000u + rate - 1) / rate);
}

/* The next piece of data into cfg->buf, or the end of the data. */
static void fill(sarafw_udwn *u, uint32_t now)
{
	uint32_t left = u->cfg->size - u->offset;
	size_t len = u->cfg->buf_size;
	int got;
	if (left == 0) {
		/* every byte is with the port: the module commits */
		report(u, SARAFW_FOAT_FINISH, u->cfg->size);
		sarafw_at_deadline(&u->dev->at, now, final_ms(u));
		u->state = U_FINAL;
		return;
	}
	if (len > left)
		len = left;
	if (len > 1024)
		len = 1024; /* the read callback's contract (sarafw/xmodem.h) */
	got = u->cfg->read(u->cfg->ctx, u->offset, u->cfg->buf, len);
	if (got != (int)len) {
		SARAFW_NOTE(u->dev, "+UDWNFILE: reading the data failed");
		wait_module(u, SARAFW_EIO, now);
		return;
	}
	u->offset += (uint32_t)len;
	u->buf_len = (uint16_t)len;
	u->buf_pos = 0;
}

static void prompt_came(sarafw_udwn *u, uint32_t now)
{
	if (u->aborted) {
		wait_module(u, SARAFW_ECANCEL, now);
		return;
	}
	/* note §7: the download is active from here on */
	sarafw_guard_set(u->dev, is_tag(u, SARAFW_UDWN_TAG_FOAT) ? SARAFW_DL_UDWNFILE : SARAFW_DL_FILE);
	SARAFW_NOTE(u->dev, "+UDWNFILE: sending the data");
	u->state = U_DATA;
	report(u, SARAFW_FOAT_TRANSFER, 0);
	/* no deadline while the data goes out: the port's pace is the bound */
	sarafw_at_deadline(&u->dev->at, now, 0);
	fill(u, now);
}

/* An AT event; returns true when the state changed. */
static bool at_event(sarafw_udwn *u, const sarafw_at_event *ev, uint32_t now)
{
	int rc = SARAFW_OK;
	if (ev->type == SARAFW_AT_EV_PROMPT && u->state == U_PROMPT) {
		prompt_came(u, now);
		return true;
	}
	if (ev->type == SARAFW_AT_EV_FINAL) {
		sarafw_at_end(&u->dev->at);
		rc = sarafw_dev_final(u->dev, ev);
	} else if (ev->type == SARAFW_AT_EV_TIMEOUT) {
		rc = SARAFW_ETIMEOUT;
	} else {
		return false;
	}
	switch (u->state) {
	case U_PROMPT:
		if (rc == SARAFW_ETIMEOUT) {
			/* '>' may have been garbled: the module may be waiting */
			wait_module(u, SARAFW_ETIMEOUT, now);
		} else {
			finish(u, rc ? rc : SARAFW_EPROTO, now); /* refused; OK alone makes no sense */
		}
		return true;
	case U_DATA:
		/* the module ended before all data was sent */
		finish(u, rc ? rc : SARAFW_EPROTO, now);
		return true;
	case U_FINAL:
		if (rc == SARAFW_OK)
			report(u, SARAFW_FOAT_STORED, u->cfg->size);
		if (rc == SARAFW_ETIMEOUT)
			sarafw_at_end(&u->dev->at);
		finish(u, rc, now);
		return true;
	case U_ABORT:
		sarafw_at_end(&u->dev->at);
		sarafw_probe_start(&u->u.probe, u->dev, SARAFW_ANSWER_MS, now);
		u->state = U_PROBE;
		return true;
	default:
		return false;
	}
}

static void probe_ran(sarafw_udwn *u, uint32_t now)
{
	int rc = sarafw_probe_status(&u->u.probe);
	if (rc == SARAFW_RUNNING)
		return;
	if (rc != SARAFW_OK)
		SARAFW_NOTE(u->dev, "no answer to AT after +UDWNFILE stopped");
	finish(u, rc, now);
}

/* The command (built in cfg->buf by start) goes out. */
static void begin(sarafw_udwn *u, uint32_t now)
{
	/* note §5.2: ~5 s to prepare, then '>' */
	int rc = sarafw_dev_begin(u->dev, (const char *)u->cfg->buf, NULL, true, now,
				  u->dev->variant->limits->udwnfile_prep_ms);
	if (rc) {
		finish(u, rc, now);
		return;
	}
	u->cfg->buf[u->cmd_len] = '\r';
	u->buf_len = (uint16_t)(u->cmd_len + 1);
	u->buf_pos = 0;
	u->state = U_PROMPT;
	report(u, SARAFW_FOAT_PREPARE, 0);
}

/* The rate switch took input or time: act on its end, if it came. */
static void rate_ran(sarafw_udwn *u, uint32_t now)
{
	int rc = sarafw_rate_status(&u->u.rate);
	if (rc == SARAFW_RUNNING)
		return;
	if (u->back) {
		if (rc != SARAFW_OK)
			u->rc = (int16_t)rc; /* EBAUDBACK says more than an earlier error */
		end(u);
	} else if (rc != SARAFW_OK) {
		u->switched = 0; /* the switch brought both sides home itself */
		finish(u, rc, now);
	} else if (u->aborted) {
		finish(u, SARAFW_ECANCEL, now);
	} else {
		begin(u, now);
	}
}

int sarafw_udwn_start(sarafw_udwn *u, sarafw_dev *dev, const sarafw_udwn_config *cfg, uint32_t now)
{
	sarafw_cmdbuf b;
	int rc;
	memset(u, 0, sizeof *u);
	u->dev = dev;
	u->state = U_DONE;
	u->status = SARAFW_EINVAL;
	if (!dev)
		return u->status;
	dev->tx_len = dev->tx_pos = 0;
	if (!cfg || !cfg->read || !cfg->name || !cfg->size || !cfg->buf || cfg->buf_size < SARAFW_XMODEM_BUF_MIN ||
	    cfg->buf_size > UINT16_MAX)
		return u->status;
	if (cfg->tag && !sarafw_str_eq(cfg->tag, SARAFW_UDWN_TAG_FOAT) && !sarafw_str_eq(cfg->tag, SARAFW_UDWN_TAG_PROFILE))
		return u->status; /* the module's only tags (note §5.2) */
	u->cfg = cfg;
	u->status = SARAFW_ENOTSUP;
	if (!dev->variant || !(dev->variant->methods & SARAFW_METHOD_FOAT))
		return u->status;
	if (cfg->baud && sarafw_rate_check(dev, cfg->host_baud, cfg->baud))
		return u->status;
	/* The command line is built in the data buffer, free until '>'. */
	sarafw_cmdbuf_init(&b, (char *)cfg->buf, cfg->buf_size - 1); /* room for "\r" */
	sarafw_cmdbuf_str(&b, "AT+UDWNFILE=");
	sarafw_cmdbuf_quoted(&b, cfg->name);
	sarafw_cmdbuf_str(&b, ",");
	sarafw_cmdbuf_u32(&b, cfg->size);
	if (cfg->tag) {
		sarafw_cmdbuf_str(&b, ",");
		sarafw_cmdbuf_quoted(&b, cfg->tag);
	}
	u->status = SARAFW_EINVAL;
	if (b.overflow)
		return u->status;
	/* the guard answers now, before any rate switch */
	rc = sarafw_guard_check(dev->guard, (const char *)cfg->buf);
	if (rc) {
		u->status = (int16_t)rc;
		return rc;
	}
	u->cmd_len = (uint16_t)b.len;
	u->status = SARAFW_RUNNING;
	if (cfg->baud && cfg->baud != cfg->host_baud) {
		report(u, SARAFW_FOAT_BAUD, 0);
		u->switched = 1;
		sarafw_rate_start(&u->u.rate, dev, cfg->host_baud, cfg->baud, false, now);
		u->state = U_RATE;
		return SARAFW_OK;
	}
	begin(u, now);
	return u->status == SARAFW_RUNNING ? SARAFW_OK : u->status;
}

size_t sarafw_udwn_output(sarafw_udwn *u, const uint8_t **out)
{
	if (u->state == U_PROBE)
		return sarafw_probe_output(&u->u.probe, out);
	if (u->state == U_RATE)
		return sarafw_rate_output(&u->u.rate, out);
	*out = u->cfg ? u->cfg->buf + u->buf_pos : NULL;
	return (size_t)(u->buf_len - u->buf_pos);
}

void sarafw_udwn_sent(sarafw_udwn *u, size_t n, uint32_t now)
{
	if (u->state == U_PROBE) {
		sarafw_probe_sent(&u->u.probe, n, now);
		return;
	}
	if (u->state == U_RATE) {
		sarafw_rate_sent(&u->u.rate, n, now);
		return;
	}
	if (n > (size_t)(u->buf_len - u->buf_pos))
		n = (size_t)(u->buf_len - u->buf_pos);
	u->buf_pos = (uint16_t)(u->buf_pos + n);
	if (u->state != U_DATA || n == 0)
		return;
	u->sent += (uint32_t)n;
	report(u, SARAFW_FOAT_TRANSFER, u->sent);
	if (u->buf_pos == u->buf_len)
		fill(u, now);
}

size_t sarafw_udwn_input(sarafw_udwn *u, const uint8_t *in, size_t n, uint32_t now)
{
	size_t i = 0;
	if (u->state == U_DONE)
		return 0;
	if (u->state == U_PROBE) {
		i = sarafw_probe_input(&u->u.probe, in, n, now);
		probe_ran(u, now);
		return i;
	}
	if (u->state == U_RATE) {
		i = sarafw_rate_input(&u->u.rate, in, n, now);
		rate_ran(u, now);
		return i;
	}
	while (i < n) {
		sarafw_at_event ev;
		i += sarafw_dev_parse(u->dev, in + i, n - i, &ev);
		if (ev.type != SARAFW_AT_EV_NONE && at_event(u, &ev, now))
			return i;
	}
	return i;
}

void sarafw_udwn_tick(sarafw_udwn *u, uint32_t now)
{
	sarafw_at_event ev;
	switch (u->state) {
	case U_DONE:
		return;
	case U_PROBE:
		sarafw_probe_tick(&u->u.probe, now);
		probe_ran(u, now);
		return;
	case U_RATE:
		sarafw_rate_tick(&u->u.rate, now);
		rate_ran(u, now);
		return;
	case U_ABORT:
		if (!u->dev->at.has_deadline) /* aborted in the data: from now */
			sarafw_at_deadline(&u->dev->at, now, SARAFW_UDWNFILE_ABORT_MS);
		/* fall through */
	default:
		sarafw_at_tick(&u->dev->at, now, &ev);
		if (ev.type == SARAFW_AT_EV_TIMEOUT)
			(void)at_event(u, &ev, now);
		return;
	}
}

uint32_t sarafw_udwn_wait_ms(const sarafw_udwn *u, uint32_t now)
{
	switch (u->state) {
	case U_DONE:
		return UINT32_MAX;
	case U_PROBE:
		return sarafw_probe_wait_ms(&u->u.probe, now);
	case U_RATE:
		return sarafw_rate_wait_ms(&u->u.rate, now);
	default:
		if (u->buf_pos < u->buf_len || (u->state == U_ABORT && !u->dev->at.has_deadline))
			return 0;
		return sarafw_at_wait_ms(&u->dev->at, now);
	}
}

void sarafw_udwn_io_error(sarafw_udwn *u, int err, uint32_t now)
{
	(void)now;
	if (u->state == U_DONE)
		return;
	sarafw_at_end(&u->dev->at);
	u->rc = (int16_t)err;
	sarafw_guard_set(u->dev, SARAFW_DL_NONE);
	end(u); /* no switch back over a failed port */
}

void sarafw_udwn_abort(sarafw_udwn *u)
{
	if (u->state == U_DONE || u->aborted)
		return;
	u->aborted = 1;
	if (u->state == U_PROMPT) {
		/* the command line itself still goes out whole */
		report(u, SARAFW_FOAT_CANCEL, 0);
		SARAFW_NOTE(u->dev, "aborting: waiting for '>' to send nothing after it");
	} else if (u->state == U_DATA) {
		report(u, SARAFW_FOAT_CANCEL, u->sent);
		u->rc = SARAFW_ECANCEL;
		u->buf_len = u->buf_pos = 0;
		u->state = U_ABORT;
		/* the deadline is set on the next tick (no clock here) */
		u->dev->at.has_deadline = false;
	}
	/* U_FINAL: every byte is sent; the result comes by itself */
}

int sarafw_udwn_status(const sarafw_udwn *u)
{
	return u->status;
}

uint32_t sarafw_udwn_baud(const sarafw_udwn *u)
{
	return u->state == U_RATE ? sarafw_rate_baud(&u->u.rate) : 0;
}

void sarafw_udwn_baud_done(sarafw_udwn *u, int rc, uint32_t now)
{
	if (u->state != U_RATE)
		return;
	sarafw_rate_baud_done(&u->u.rate, rc, now);
	rate_ran(u, now);
}

static size_t e_output(void *e, const uint8_t **out) { return sarafw_udwn_output(e, out); }
static void e_sent(void *e, size_t n, uint32_t now) { sarafw_udwn_sent(e, n, now); }
static size_t e_input(void *e, const uint8_t *in, size_t n, uint32_t now) { return sarafw_udwn_input(e, in, n, now); }
static void e_tick(void *e, uint32_t now) { sarafw_udwn_tick(e, now); }
static uint32_t e_wait(const void *e, uint32_t now) { return sarafw_udwn_wait_ms(e, now); }
static int e_status(const void *e) { return sarafw_udwn_status(e); }
static uint32_t e_baud(const void *e) { return sarafw_udwn_baud(e); }
static void e_baud_done(void *e, int rc, uint32_t now) { sarafw_udwn_baud_done(e, rc, now); }
static void e_io_error(void *e, int err, uint32_t now) { sarafw_udwn_io_error(e, err, now); }

const sarafw_engine sarafw_udwn_engine = {
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

int sarafw_udwnfile(sarafw_dev *dev, const sarafw_udwn_config *cfg)
{
	sarafw_udwn u;
	int rc;
	const sarafw_port *p = dev->cfg.port;
	rc = sarafw_udwn_start(&u, dev, cfg, p->now_ms(p->ctx));
	if (rc)
		return rc;
	do {
		if (cfg->cancel && cfg->cancel(cfg->cancel_ctx))
			sarafw_udwn_abort(&u);
		rc = sarafw_dev_step(dev, &sarafw_udwn_engine, &u, cfg->cancel ? SARAFW_POLL_MS : UINT32_MAX);
	} while (rc == SARAFW_RUNNING);
	return rc;
}
