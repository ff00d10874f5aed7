/* The rate switch (note §5.1.1 "Additional rate"): AT+IPR=<rate> at the
 * old rate, its OK at the old rate, then the host follows and checks with
 * AT. One engine for every flow that transfers faster than the host's
 * rate, and the only place that brings a module home when a switch fails. */
#include <string.h>

#include "sarafw/cmdbuf.h"
#include "sarafw/error.h"
#include "sarafw/rate.h"
#include "sarafw/timeouts.h"
#include "note.h"

enum {
	R_IPR,         /* AT+IPR=<target> pending */
	R_SETTLE,      /* its OK came: the line end passes at the old rate */
	R_SETBAUD,     /* the host follows */
	R_PROBE,       /* AT at the target */
	R_FORCE_SET,   /* the switch failed: the host goes home */
	R_FORCE_PROBE, /* and looks for the module there */
	R_DONE,
};

static uint32_t until(uint32_t now, uint32_t t)
{
	return sarafw_time_reached(now, t) ? 0 : t - now;
}

/* The rate this AT+IPR asks for; home, where a failure ends. */
static uint32_t target(const sarafw_rate *r)
{
	return r->restoring ? r->from : r->to;
}

static uint32_t home(const sarafw_rate *r)
{
	return r->back ? r->to : r->from;
}

static void done(sarafw_rate *r, int rc)
{
	r->status = (int16_t)rc;
	r->state = R_DONE;
}

static void start_ipr(sarafw_rate *r, uint32_t now)
{
	char cmd[20];
	sarafw_cmdbuf b;
	sarafw_cmdbuf_init(&b, cmd, sizeof cmd);
	sarafw_cmdbuf_str(&b, "AT+IPR=");
	sarafw_cmdbuf_u32(&b, target(r));
	r->state = R_IPR;
	if (sarafw_dev_command(r->dev, cmd, NULL, now, SARAFW_ANSWER_MS) != SARAFW_OK)
		done(r, SARAFW_EINVAL); /* cannot happen: AT+IPR passes every guard */
}

static void start_probe(sarafw_rate *r, uint8_t state, uint32_t now)
{
	sarafw_probe_start(&r->probe, r->dev, SARAFW_ANSWER_MS, now);
	r->state = state;
}

/* The current step failed with rc; host_at_to: the host runs at to. */
static void failed(sarafw_rate *r, int rc, bool host_at_to, uint32_t now)
{
	sarafw_at_end(&r->dev->at);
	if (!r->back && !r->restoring && (rc == SARAFW_ENOMODULE || rc == SARAFW_EGARBLED || rc == SARAFW_EINVAL))
		rc = SARAFW_EBAUD; /* the line does not work at that rate */
	if (!r->rc)
		r->rc = (int16_t)rc;
	if (!r->back && !r->restoring && host_at_to) {
		/* the module may only have been garbled: ask it back at to */
		SARAFW_NOTE(r->dev, "no answer at the new baud rate, switching back");
		r->restoring = 1;
		start_ipr(r, now);
		return;
	}
	/* The module may never have left home, or may be stuck at the
	 * other rate: the host goes home anyway and looks. */
	r->state = R_FORCE_SET;
}

static void probe_ran(sarafw_rate *r, uint32_t now)
{
	int rc = sarafw_probe_status(&r->probe);
	if (rc == SARAFW_RUNNING)
		return;
	if (r->state == R_FORCE_PROBE) {
		if (rc != SARAFW_OK) {
			SARAFW_NOTE(r->dev, "no answer after switching the baud rate back");
			done(r, SARAFW_EBAUDBACK);
		} else {
			done(r, r->back ? SARAFW_OK : r->rc);
		}
		return;
	}
	if (rc != SARAFW_OK)
		failed(r, rc, !r->restoring, now);
	else
		done(r, r->rc); /* restoring: r->rc says why */
}

static void at_event(sarafw_rate *r, const sarafw_at_event *ev, uint32_t now)
{
	int rc;
	if (ev->type == SARAFW_AT_EV_FINAL) {
		sarafw_at_end(&r->dev->at);
		rc = sarafw_dev_final(r->dev, ev);
	} else if (ev->type == SARAFW_AT_EV_TIMEOUT) {
		rc = SARAFW_ETIMEOUT;
	} else {
		return;
	}
	if (rc == SARAFW_OK) {
		/* its OK came at the old rate; the host follows once the rest
		 * of that line is off the wire */
		r->timer = now + SARAFW_IPR_SETTLE_MS;
		r->state = R_SETTLE;
	} else if (!r->back && !r->restoring && rc != SARAFW_ETIMEOUT) {
		sarafw_at_end(&r->dev->at);
		done(r, rc); /* refused where it stands: nothing changed */
	} else {
		failed(r, rc, r->restoring, now);
	}
}

int sarafw_rate_check(const sarafw_dev *dev, uint32_t from, uint32_t to)
{
	if (to == from)
		return SARAFW_OK;
	if (!dev->variant || to > dev->variant->limits->max_baud || !dev->cfg.port || !dev->cfg.port->set_baud)
		return SARAFW_ENOTSUP;
	return SARAFW_OK;
}

void sarafw_rate_start(sarafw_rate *r, sarafw_dev *dev, uint32_t from, uint32_t to, bool back, uint32_t now)
{
	memset(r, 0, sizeof *r);
	r->dev = dev;
	r->from = from;
	r->to = to;
	r->back = back;
	r->status = SARAFW_RUNNING;
	SARAFW_NOTE(dev, back ? "switching the baud rate back" : "switching the baud rate for the transfer");
	start_ipr(r, now);
}

size_t sarafw_rate_output(sarafw_rate *r, const uint8_t **out)
{
	if (r->state == R_PROBE || r->state == R_FORCE_PROBE)
		return sarafw_probe_output(&r->probe, out);
	return sarafw_dev_output(r->dev, out);
}

void sarafw_rate_sent(sarafw_rate *r, size_t n, uint32_t now)
{
	if (r->state == R_PROBE || r->state == R_FORCE_PROBE)
		sarafw_probe_sent(&r->probe, n, now);
	else
		sarafw_dev_sent(r->dev, n);
}

size_t sarafw_rate_input(sarafw_rate *r, const uint8_t *in, size_t n, uint32_t now)
{
	size_t i = 0;
	switch (r->state) {
	case R_DONE:
		return 0;
	case R_PROBE:
	case R_FORCE_PROBE:
		i = sarafw_probe_input(&r->probe, in, n, now);
		probe_ran(r, now);
		return i;
	case R_IPR:
		while (i < n && r->state == R_IPR) {
			sarafw_at_event ev;
			i += sarafw_dev_parse(r->dev, in + i, n - i, &ev);
			at_event(r, &ev, now);
		}
		return i;
	default:
		return n; /* bytes at the old rate: noise */
	}
}

void sarafw_rate_tick(sarafw_rate *r, uint32_t now)
{
	sarafw_at_event ev;
	switch (r->state) {
	case R_PROBE:
	case R_FORCE_PROBE:
		sarafw_probe_tick(&r->probe, now);
		probe_ran(r, now);
		return;
	case R_IPR:
		sarafw_at_tick(&r->dev->at, now, &ev);
		if (ev.type == SARAFW_AT_EV_TIMEOUT)
			at_event(r, &ev, now);
		return;
	case R_SETTLE:
		if (sarafw_time_reached(now, r->timer))
			r->state = R_SETBAUD;
		return;
	default:
		return;
	}
}

uint32_t sarafw_rate_baud(const sarafw_rate *r)
{
	if (r->dev->tx_pos < r->dev->tx_len)
		return 0;
	if (r->state == R_SETBAUD)
		return target(r);
	return r->state == R_FORCE_SET ? home(r) : 0;
}

uint32_t sarafw_rate_wait_ms(const sarafw_rate *r, uint32_t now)
{
	if (r->dev->tx_pos < r->dev->tx_len || sarafw_rate_baud(r))
		return 0;
	switch (r->state) {
	case R_DONE:
		return UINT32_MAX;
	case R_PROBE:
	case R_FORCE_PROBE:
		return sarafw_probe_wait_ms(&r->probe, now);
	case R_SETTLE:
		return until(now, r->timer);
	default:
		return sarafw_at_wait_ms(&r->dev->at, now);
	}
}

void sarafw_rate_baud_done(sarafw_rate *r, int rc, uint32_t now)
{
	if (r->state == R_FORCE_SET) {
		start_probe(r, R_FORCE_PROBE, now);
	} else if (r->state == R_SETBAUD) {
		if (rc != SARAFW_OK)
			failed(r, SARAFW_EINVAL, false, now); /* the host cannot set it */
		else
			start_probe(r, R_PROBE, now);
	}
}

void sarafw_rate_io_error(sarafw_rate *r, int err, uint32_t now)
{
	(void)now;
	if (r->state == R_DONE)
		return;
	sarafw_at_end(&r->dev->at);
	done(r, err);
}

int sarafw_rate_status(const sarafw_rate *r)
{
	return r->status;
}

static size_t e_output(void *e, const uint8_t **out) { return sarafw_rate_output(e, out); }
static void e_sent(void *e, size_t n, uint32_t now) { sarafw_rate_sent(e, n, now); }
static size_t e_input(void *e, const uint8_t *in, size_t n, uint32_t now) { return sarafw_rate_input(e, in, n, now); }
static void e_tick(void *e, uint32_t now) { sarafw_rate_tick(e, now); }
static uint32_t e_wait(const void *e, uint32_t now) { return sarafw_rate_wait_ms(e, now); }
static int e_status(const void *e) { return sarafw_rate_status(e); }
static uint32_t e_baud(const void *e) { return sarafw_rate_baud(e); }
static void e_baud_done(void *e, int rc, uint32_t now) { sarafw_rate_baud_done(e, rc, now); }
static void e_io_error(void *e, int err, uint32_t now) { sarafw_rate_io_error(e, err, now); }

const sarafw_engine sarafw_rate_engine = {
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

int sarafw_rate_switch(sarafw_dev *dev, uint32_t from, uint32_t to, bool back)
{
	sarafw_rate r;
	const sarafw_port *p = dev->cfg.port;
	int rc = sarafw_rate_check(dev, from, to);
	if (rc || from == to)
		return rc;
	sarafw_rate_start(&r, dev, from, to, back, p->now_ms(p->ctx));
	do
		rc = sarafw_dev_step(dev, &sarafw_rate_engine, &r, UINT32_MAX);
	while (rc == SARAFW_RUNNING);
	return rc;
}
