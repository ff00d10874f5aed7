/* The probe engine and the blocking probe over it: find the module. */
#include <stdbool.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/probe.h"
#include "sarafw/timeouts.h"
#include "sarafw/xmodem.h"
#include "note.h"

/* Probe states. */
enum { P_TRY, P_DRAIN, P_CONFIRM, P_DONE };

bool sarafw_xmodem_waiting(uint8_t *run, const uint8_t *in, size_t n)
{
	/* *run: 0 at a line start, 1..: 'C's from a line start, MID: text */
	enum { MID = 0x80 };
	bool waiting = false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];
		if (c == '\r' || c == '\n') {
			*run = 0;
		} else if (c == SARAFW_XMODEM_NAK) { /* never part of AT text */
			*run = 0;
			waiting = true;
		} else if (c == SARAFW_XMODEM_CRC && *run != MID) {
			if (++*run >= 2) { /* "CC" starts no AT line */
				*run = 0;
				waiting = true;
			}
		} else {
			*run = MID;
		}
	}
	return waiting;
}

static void attempt(sarafw_prober *p, uint32_t now, uint32_t timeout)
{
	/* "AT" passes every guard and fits every buffer */
	(void)sarafw_dev_command(p->dev, "AT", NULL, now, timeout ? timeout : 1);
}

static void finish(sarafw_prober *p, int rc)
{
	sarafw_at_end(&p->dev->at);
	p->state = P_DONE;
	p->status = rc;
}


static void next_attempt(sarafw_prober *p, uint32_t now)
{
	uint32_t left = p->end - now;
	if (sarafw_time_reached(now, p->end)) {
		finish(p, p->rx ? SARAFW_EGARBLED : SARAFW_ENOMODULE);
		return;
	}
	attempt(p, now, left < SARAFW_PROBE_TRY_MS ? left : SARAFW_PROBE_TRY_MS);
	p->state = P_TRY;
}

static void drain(sarafw_prober *p, uint32_t now)
{
	sarafw_at_end(&p->dev->at);
	p->state = P_DRAIN;
	p->quiet = now + SARAFW_PROBE_TRY_MS;
	p->drain_end = now + 3 * SARAFW_PROBE_TRY_MS;
}

void sarafw_probe_start(sarafw_prober *p, sarafw_dev *dev, uint32_t timeout_ms, uint32_t now)
{
	memset(p, 0, sizeof *p);
	p->dev = dev;
	p->end = now + timeout_ms;
	p->in_step = 1;
	p->status = SARAFW_RUNNING;
	dev->flags &= (uint8_t)~SARAFW_DEV_XMODEM_CANCELLED;
	attempt(p, now, timeout_ms < SARAFW_PROBE_TRY_MS ? timeout_ms : SARAFW_PROBE_TRY_MS);
}

size_t sarafw_probe_output(sarafw_prober *p, const uint8_t **out)
{
	return sarafw_dev_output(p->dev, out);
}

void sarafw_probe_sent(sarafw_prober *p, size_t n, uint32_t now)
{
	(void)now;
	sarafw_dev_sent(p->dev, n);
}

/* The module waits for an XMODEM sender (a transfer a previous run left,
 * note §5.1.1): cancel it, let the line settle, confirm with AT. */
static void cancel_window(sarafw_prober *p, uint32_t now)
{
	uint8_t can[8];
	memset(can, SARAFW_XMODEM_CAN, sizeof can);
	sarafw_dev_queue(p->dev, can, sizeof can);
	p->dev->flags |= SARAFW_DEV_XMODEM_CANCELLED;
	SARAFW_NOTE(p->dev, "XMODEM start characters: cancelling");
	sarafw_at_reset(&p->dev->at); /* e.g. a partial "CC" */
	p->in_step = 0;
	/* The quiet wait lets the module leave its window (the R422 family
	 * answers ERROR); the confirming AT runs even past the deadline. */
	drain(p, now);
}

size_t sarafw_probe_input(sarafw_prober *p, const uint8_t *in, size_t n, uint32_t now)
{
	size_t i = 0;
	while (i < n && p->state != P_DONE) {
		sarafw_at_event ev;
		size_t used;
		bool waiting;
		if (p->state == P_DRAIN) {
			p->rx += (uint32_t)(n - i);
			p->quiet = now + SARAFW_PROBE_TRY_MS;
			return n; /* discarded */
		}
		used = sarafw_dev_parse(p->dev, in + i, n - i, &ev);
		waiting = sarafw_xmodem_waiting(&p->run, in + i, used);
		p->rx += (uint32_t)used;
		i += used;
		if (waiting && !(p->dev->flags & SARAFW_DEV_XMODEM_CANCELLED)) {
			cancel_window(p, now); /* once per probe: a bound on its time */
			return i;
		}
		if (ev.type != SARAFW_AT_EV_FINAL)
			continue;
		if (ev.final != SARAFW_AT_FINAL_OK) {
			p->in_step = 0; /* ERROR: a module mid-line; ask again */
			next_attempt(p, now);
		} else if (p->in_step || p->state == P_CONFIRM) {
			finish(p, SARAFW_OK);
		} else {
			/* This OK may answer an earlier attempt, and the answer to
			 * this one may still be on its way: taken for the next
			 * command's, it would put every answer after it one off.
			 * Let the line fall quiet, then ask once more, even if the
			 * deadline has passed meanwhile. */
			drain(p, now);
		}
		return i;
	}
	return i;
}

void sarafw_probe_tick(sarafw_prober *p, uint32_t now)
{
	sarafw_at_event ev;
	switch (p->state) {
	case P_DRAIN:
		if (sarafw_time_reached(now, p->quiet) || sarafw_time_reached(now, p->drain_end)) {
			sarafw_at_reset(&p->dev->at); /* a clean line for the confirming AT */
			attempt(p, now, SARAFW_PROBE_TRY_MS);
			p->state = P_CONFIRM;
		}
		break;
	case P_TRY:
	case P_CONFIRM:
		sarafw_at_tick(&p->dev->at, now, &ev);
		if (ev.type == SARAFW_AT_EV_TIMEOUT) {
			p->in_step = 0;
			next_attempt(p, now);
		}
		break;
	default:
		break;
	}
}

uint32_t sarafw_probe_wait_ms(const sarafw_prober *p, uint32_t now)
{
	if (p->dev->tx_pos < p->dev->tx_len)
		return 0;
	if (p->state == P_DONE)
		return UINT32_MAX;
	if (p->state == P_DRAIN) {
		uint32_t q = sarafw_time_reached(now, p->quiet) ? 0 : p->quiet - now;
		uint32_t d = sarafw_time_reached(now, p->drain_end) ? 0 : p->drain_end - now;
		return q < d ? q : d;
	}
	return sarafw_at_wait_ms(&p->dev->at, now);
}

int sarafw_probe_status(const sarafw_prober *p)
{
	return p->status;
}

static size_t e_output(void *e, const uint8_t **out) { return sarafw_probe_output(e, out); }
static void e_sent(void *e, size_t n, uint32_t now) { sarafw_probe_sent(e, n, now); }
static size_t e_input(void *e, const uint8_t *in, size_t n, uint32_t now) { return sarafw_probe_input(e, in, n, now); }
static void e_tick(void *e, uint32_t now) { sarafw_probe_tick(e, now); }
static uint32_t e_wait(const void *e, uint32_t now) { return sarafw_probe_wait_ms(e, now); }
static int e_status(const void *e) { return sarafw_probe_status(e); }
static void e_io_error(void *e, int err, uint32_t now)
{
	(void)now;
	finish(e, err);
}

const sarafw_engine sarafw_probe_engine = {
	.output = e_output,
	.sent = e_sent,
	.input = e_input,
	.tick = e_tick,
	.wait_ms = e_wait,
	.status = e_status,
	.io_error = e_io_error,
};

int sarafw_probe(sarafw_dev *dev, uint32_t timeout_ms)
{
	sarafw_prober p;
	int rc;
	sarafw_probe_start(&p, dev, timeout_ms, dev->cfg.port->now_ms(dev->cfg.port->ctx));
	while ((rc = sarafw_dev_step(dev, &sarafw_probe_engine, &p, UINT32_MAX)) == SARAFW_RUNNING)
		;
	return rc;
}
