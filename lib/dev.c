/* The blocking layer: runs the AT engine and the step engines through the
 * port. Every wait ends at the deadline of the engine that waits (the AT
 * engine's for a command); this layer keeps none of its own but for
 * sarafw_dev_wait() and sarafw_dev_drain(), which wait for no command. */
#include <string.h>

#include "sarafw/dev.h"
#include "sarafw/error.h"
#include "sarafw/net.h"
#include "sarafw/persist.h"
#include "sarafw/timeouts.h"
#include "note.h"
#include "str.h"

void sarafw_dev_trace(sarafw_dev *dev, char dir, const char *data, size_t len)
{
	char hidden[24];
	size_t keep;
	if (!dev->cfg.trace)
		return;
	/* a password, sent or echoed, shows as "***" (sarafw/net.h) */
	keep = dir == SARAFW_TRACE_NOTE ? len : sarafw_trace_secret_at(data, len);
	if (keep < len) {
		if (keep + 5 > sizeof hidden)
			keep = 0; /* an odd long prefix: hide the whole line */
		memcpy(hidden, data, keep);
		memcpy(hidden + keep, "\"***\"", 5);
		data = hidden;
		len = keep + 5;
	}
	dev->cfg.trace(dev->cfg.trace_ctx, dir, data, len);
}

void sarafw_dev_note(sarafw_dev *dev, const char *text)
{
	sarafw_dev_trace(dev, SARAFW_TRACE_NOTE, text, sarafw_str_len(text));
}

static uint32_t now(const sarafw_dev *dev)
{
	return dev->cfg.port->now_ms(dev->cfg.port->ctx);
}

int sarafw_dev_init(sarafw_dev *dev, const sarafw_dev_config *cfg)
{
	sarafw_at_config ac;
	if (!dev || !cfg || !cfg->port || !cfg->port->read || !cfg->port->write || !cfg->port->now_ms)
		return SARAFW_EINVAL;
	memset(dev, 0, sizeof *dev);
	dev->cfg = *cfg;
	dev->last_cme = -1;
	ac.buf = cfg->line_buf;
	ac.buf_size = cfg->line_buf_size;
	ac.urcs = cfg->urcs;
	ac.n_urcs = cfg->n_urcs;
	return sarafw_at_init(&dev->at, &ac);
}

/* Read more bytes into dev->rx, waiting at most timeout_ms. Returns the
 * count, 0 when nothing came, or SARAFW_EIO. */
static int fill(sarafw_dev *dev, uint32_t timeout_ms)
{
	int n = dev->cfg.port->read(dev->cfg.port->ctx, dev->rx, sizeof dev->rx, timeout_ms);
	if (n < 0)
		return SARAFW_EIO;
	if (n > (int)sizeof dev->rx)
		n = (int)sizeof dev->rx;
	dev->rx_pos = 0;
	dev->rx_len = (uint8_t)n;
	return n;
}

size_t sarafw_dev_parse(sarafw_dev *dev, const uint8_t *data, size_t len, sarafw_at_event *ev)
{
	size_t used = sarafw_at_parse(&dev->at, data, len, ev);
	if (ev->type == SARAFW_AT_EV_NONE)
		return used;
	sarafw_dev_trace(dev, SARAFW_TRACE_RX, ev->line, ev->len);
	if (ev->type == SARAFW_AT_EV_URC) {
		const sarafw_urc *u = &dev->cfg.urcs[ev->urc];
		dev->urc_count++;
		if (u->fn)
			u->fn(dev->cfg.urc_ctx, ev->argc, ev->argv, ev->line);
	}
	return used;
}

/* Next event from the module, URCs dispatched on the way (and returned
 * too when want_urcs). The wait ends at *deadline, or at the pending
 * command's deadline when deadline is NULL. Returns SARAFW_OK with *ev
 * set, SARAFW_ETIMEOUT, or SARAFW_EIO. */
static int next_event(sarafw_dev *dev, const uint32_t *deadline, sarafw_at_event *ev, bool want_urcs)
{
	for (;;) {
		while (dev->rx_pos < dev->rx_len) {
			dev->rx_pos += (uint8_t)sarafw_dev_parse(dev, dev->rx + dev->rx_pos,
								 dev->rx_len - dev->rx_pos, ev);
			if (ev->type == SARAFW_AT_EV_NONE || (ev->type == SARAFW_AT_EV_URC && !want_urcs))
				continue;
			return SARAFW_OK;
		}
		uint32_t t = now(dev), wait;
		if (deadline) {
			wait = sarafw_time_reached(t, *deadline) ? 0 : *deadline - t;
		} else {
			sarafw_at_tick(&dev->at, t, ev);
			if (ev->type == SARAFW_AT_EV_TIMEOUT)
				return SARAFW_ETIMEOUT;
			wait = sarafw_at_wait_ms(&dev->at, t);
		}
		int n = fill(dev, wait);
		if (n < 0)
			return n;
		if (n == 0 && deadline && wait == 0)
			return SARAFW_ETIMEOUT;
	}
}

int sarafw_dev_final(sarafw_dev *dev, const sarafw_at_event *ev)
{
	if (ev->final == SARAFW_AT_FINAL_OK)
		return SARAFW_OK;
	size_t n = ev->len < sizeof dev->last_error - 1 ? ev->len : sizeof dev->last_error - 1;
	memcpy(dev->last_error, ev->line, n);
	dev->last_error[n] = '\0';
	switch (ev->final) {
	case SARAFW_AT_FINAL_ERROR:
		return SARAFW_EERROR;
	case SARAFW_AT_FINAL_ERROR1:
		return SARAFW_EERROR1;
	case SARAFW_AT_FINAL_CME:
	case SARAFW_AT_FINAL_CMS:
		dev->last_cme = (int16_t)(ev->code > 32767 ? -1 : ev->code);
		return SARAFW_EERROR;
	default:
		return SARAFW_EPROTO;
	}
}

const char *sarafw_dev_last_error(const sarafw_dev *dev, int *cme)
{
	if (cme)
		*cme = dev->last_cme;
	return dev->last_error;
}

int sarafw_dev_begin(sarafw_dev *dev, const char *cmd, const char *resp_prefix, bool prompt,
		     uint32_t now_ms, uint32_t timeout_ms)
{
	size_t len = sarafw_str_len(cmd);
	int rc = sarafw_guard_check((sarafw_download)dev->guard, cmd);
	if (rc)
		return rc;
	if (len + 1 > SARAFW_CMD_MAX)
		return SARAFW_EINVAL;
	dev->last_cme = -1;
	dev->last_error[0] = '\0';
	sarafw_dev_trace(dev, SARAFW_TRACE_TX, cmd, len);
	sarafw_at_begin(&dev->at, cmd, resp_prefix, prompt, now_ms, timeout_ms);
	return SARAFW_OK;
}

void sarafw_dev_queue(sarafw_dev *dev, const uint8_t *bytes, size_t n)
{
	memcpy(dev->tx, bytes, n);
	dev->tx_len = (uint8_t)n;
	dev->tx_pos = 0;
}

int sarafw_dev_command(sarafw_dev *dev, const char *cmd, const char *resp_prefix, uint32_t now_ms,
		       uint32_t timeout_ms)
{
	size_t len = sarafw_str_len(cmd);
	int rc;
	if (len + 1 > sizeof dev->tx)
		return SARAFW_EINVAL;
	rc = sarafw_dev_begin(dev, cmd, resp_prefix, false, now_ms, timeout_ms);
	if (rc)
		return rc;
	sarafw_dev_queue(dev, (const uint8_t *)cmd, len);
	dev->tx[dev->tx_len++] = '\r';
	return SARAFW_OK;
}

size_t sarafw_dev_output(sarafw_dev *dev, const uint8_t **out)
{
	*out = dev->tx + dev->tx_pos;
	return (size_t)(dev->tx_len - dev->tx_pos);
}

void sarafw_dev_sent(sarafw_dev *dev, size_t n)
{
	size_t left = (size_t)(dev->tx_len - dev->tx_pos);
	dev->tx_pos = (uint8_t)(dev->tx_pos + (n < left ? n : left));
}

/* The blocking calls' writes: all of buf, however the port takes it; a
 * port that takes nothing for SARAFW_ANSWER_MS has failed. */
static int write_all(sarafw_dev *dev, const uint8_t *buf, size_t len)
{
	const sarafw_port *p = dev->cfg.port;
	uint32_t since = now(dev);
	size_t done = 0;
	while (done < len) {
		int w = p->write(p->ctx, buf + done, len - done);
		if (w < 0)
			return SARAFW_EIO;
		if (w > 0)
			since = now(dev);
		else if (sarafw_time_reached(now(dev), since + SARAFW_ANSWER_MS))
			return SARAFW_EIO;
		done += (size_t)w < len - done ? (size_t)w : len - done;
	}
	return (int)len;
}

int sarafw_dev_send(sarafw_dev *dev, const char *cmd, const char *resp_prefix, bool prompt,
		    uint32_t timeout_ms)
{
	int rc = sarafw_dev_begin(dev, cmd, resp_prefix, prompt, now(dev), timeout_ms);
	if (rc)
		return rc;
	if (write_all(dev, (const uint8_t *)cmd, sarafw_str_len(cmd)) < 0 ||
	    write_all(dev, (const uint8_t *)"\r", 1) < 0) {
		sarafw_at_end(&dev->at);
		return SARAFW_EIO;
	}
	/* the command's deadline runs from the moment it is on the line */
	sarafw_at_deadline(&dev->at, now(dev), timeout_ms);
	return SARAFW_OK;
}

int sarafw_dev_result(sarafw_dev *dev, uint32_t timeout_ms, sarafw_line_fn on_line, void *ctx)
{
	sarafw_at_event ev;
	if (timeout_ms)
		sarafw_at_deadline(&dev->at, now(dev), timeout_ms);
	for (;;) {
		int rc = next_event(dev, NULL, &ev, false);
		if (rc) {
			sarafw_at_end(&dev->at);
			return rc;
		}
		switch (ev.type) {
		case SARAFW_AT_EV_RESPONSE:
			if (on_line)
				on_line(ctx, ev.argc, ev.argv, ev.line);
			break;
		case SARAFW_AT_EV_FINAL:
			sarafw_at_end(&dev->at);
			return sarafw_dev_final(dev, &ev);
		case SARAFW_AT_EV_PROMPT:
			return SARAFW_OK; /* the caller now sends its data */
		default:
			break; /* echo, stray lines, overflow: traced, not fatal */
		}
	}
}

int sarafw_cmd(sarafw_dev *dev, const char *cmd, const char *resp_prefix, uint32_t timeout_ms,
	       sarafw_line_fn on_line, void *ctx)
{
	int rc = sarafw_dev_send(dev, cmd, resp_prefix, false, timeout_ms);
	return rc ? rc : sarafw_dev_result(dev, 0, on_line, ctx);
}

struct get_ctx {
	const char *prefix;
	char *out;
	size_t size;
	int rc; /* SARAFW_EPROTO until a line was copied */
};

static void get_line(void *p, int argc, const char *const *argv, const char *line)
{
	struct get_ctx *g = p;
	size_t plen = g->prefix ? sarafw_str_len(g->prefix) : 0, len;
	(void)argc;
	(void)argv;
	if (g->rc != SARAFW_EPROTO)
		return; /* first matching line only */
	if (plen) {
		if (!sarafw_str_starts(line, g->prefix))
			return;
		line += plen;
		if (*line == ':')
			line++;
		while (*line == ' ')
			line++;
	}
	len = sarafw_str_len(line);
	g->rc = SARAFW_OK;
	if (len >= g->size) {
		len = g->size - 1;
		g->rc = SARAFW_ENOSPACE;
	}
	memcpy(g->out, line, len);
	g->out[len] = '\0';
}

int sarafw_cmd_get(sarafw_dev *dev, const char *cmd, const char *resp_prefix, uint32_t timeout_ms,
		   char *out, size_t out_size)
{
	struct get_ctx g = { resp_prefix, out, out_size, SARAFW_EPROTO };
	int rc;
	if (!out || !out_size)
		return SARAFW_EINVAL;
	out[0] = '\0';
	rc = sarafw_cmd(dev, cmd, resp_prefix, timeout_ms, get_line, &g);
	return rc ? rc : g.rc;
}

static void copy_line(char *out, size_t out_size, const sarafw_at_event *ev)
{
	if (out && out_size) {
		size_t n = ev->len < out_size ? ev->len : out_size - 1;
		memcpy(out, ev->line, n);
		out[n] = '\0';
	}
}

int sarafw_dev_wait(sarafw_dev *dev, uint32_t timeout_ms, const char *stop_prefix, char *out,
		    size_t out_size)
{
	uint32_t deadline = now(dev) + timeout_ms; /* no command: this wait's own */
	uint32_t before = dev->urc_count;
	sarafw_at_event ev;
	for (;;) {
		int rc = next_event(dev, &deadline, &ev, true);
		if (rc == SARAFW_ETIMEOUT)
			return (int)(dev->urc_count - before);
		if (rc)
			return rc;
		if (stop_prefix && sarafw_str_starts(ev.line, stop_prefix))
			break;
	}
	copy_line(out, out_size, &ev);
	return (int)(dev->urc_count - before);
}

int sarafw_dev_until(sarafw_dev *dev, uint32_t timeout_ms, const char *prefix, char *out,
		     size_t out_size)
{
	sarafw_at_event ev;
	if (timeout_ms)
		sarafw_at_deadline(&dev->at, now(dev), timeout_ms);
	for (;;) {
		int rc = next_event(dev, NULL, &ev, false);
		if (rc)
			return rc;
		if (ev.type == SARAFW_AT_EV_FINAL) {
			sarafw_at_end(&dev->at);
			rc = sarafw_dev_final(dev, &ev);
			return rc ? rc : SARAFW_EPROTO;
		}
		if (ev.type == SARAFW_AT_EV_RESPONSE && sarafw_str_starts(ev.line, prefix)) {
			copy_line(out, out_size, &ev);
			return SARAFW_OK;
		}
	}
}

int sarafw_dev_peek(sarafw_dev *dev, const uint8_t **data, uint32_t timeout_ms)
{
	if (dev->rx_pos >= dev->rx_len) {
		int n = fill(dev, timeout_ms);
		if (n <= 0)
			return n;
	}
	*data = dev->rx + dev->rx_pos;
	return (int)(dev->rx_len - dev->rx_pos);
}

void sarafw_dev_consume(sarafw_dev *dev, size_t n)
{
	size_t avail = (size_t)(dev->rx_len - dev->rx_pos);
	dev->rx_pos = (uint8_t)(dev->rx_pos + (n < avail ? n : avail));
}

int sarafw_dev_write_raw(sarafw_dev *dev, const uint8_t *buf, size_t len)
{
	return write_all(dev, buf, len);
}

/* Forget every partial line and the pending command. */
static void forget_line(sarafw_dev *dev)
{
	dev->rx_pos = dev->rx_len = 0;
	sarafw_at_reset(&dev->at);
}

void sarafw_dev_drain(sarafw_dev *dev, uint32_t quiet_ms, uint32_t max_ms)
{
	uint32_t end = now(dev) + max_ms; /* no command: this wait's own */
	forget_line(dev);
	while (!sarafw_time_reached(now(dev), end)) {
		uint32_t left = end - now(dev);
		if (fill(dev, left < quiet_ms ? left : quiet_ms) <= 0)
			break;
		dev->rx_pos = dev->rx_len = 0; /* discarded */
	}
}

int sarafw_dev_step(sarafw_dev *dev, const sarafw_engine *ops, void *e, uint32_t max_wait_ms)
{
	const sarafw_port *p = dev->cfg.port;
	const uint8_t *out;
	size_t n;
	uint32_t baud;
	int st = ops->status(e);

	if (st != SARAFW_RUNNING)
		return st;
	while ((n = ops->output(e, &out)) > 0) {
		int w = p->write(p->ctx, out, n);
		if (w < 0) {
			ops->io_error(e, SARAFW_EIO, now(dev));
			return ops->status(e);
		}
		if ((size_t)w > n)
			w = (int)n;
		ops->sent(e, (size_t)w, now(dev));
		if ((size_t)w < n)
			break; /* the port took less: read what came, then go on */
	}
	if (ops->baud && (baud = ops->baud(e)) != 0) {
		int rc = p->set_baud ? p->set_baud(p->ctx, baud) : SARAFW_ENOTSUP;
		ops->baud_done(e, rc, now(dev));
		return ops->status(e);
	}
	if (dev->rx_pos >= dev->rx_len) {
		uint32_t wait = ops->wait_ms(e, now(dev));
		int got = fill(dev, wait < max_wait_ms ? wait : max_wait_ms);
		if (got < 0) {
			ops->io_error(e, got, now(dev));
			return ops->status(e);
		}
	}
	if (dev->rx_pos < dev->rx_len)
		dev->rx_pos = (uint8_t)(dev->rx_pos + ops->input(e, dev->rx + dev->rx_pos,
								  dev->rx_len - dev->rx_pos, now(dev)));
	ops->tick(e, now(dev));
	return ops->status(e);
}

int sarafw_dev_save_state(sarafw_dev *dev, const sarafw_persist *rec)
{
	uint8_t buf[SARAFW_PERSIST_SIZE];
	const sarafw_port *p = dev->cfg.port;
	int rc = sarafw_persist_encode(rec, buf, sizeof buf);
	if (rc < 0)
		return rc;
	/* remembered even without storage: this host run must not reset */
	dev->installing = sarafw_persist_installing(rec);
	if (!p->save_state)
		return SARAFW_ENOTSUP;
	rc = p->save_state(p->ctx, buf, sizeof buf);
	return rc < 0 ? rc : SARAFW_OK;
}

/* Loads and decodes the stored record; *stored tells whether there was
 * one at all. */
static int load(sarafw_dev *dev, sarafw_persist *rec, bool *stored)
{
	uint8_t buf[SARAFW_PERSIST_SIZE];
	const sarafw_port *p = dev->cfg.port;
	int n;
	memset(rec, 0, sizeof *rec);
	*stored = false;
	if (!p->load_state)
		return SARAFW_ENOTSUP;
	n = p->load_state(p->ctx, buf, sizeof buf);
	if (n < 0)
		return n;
	*stored = n > 0;
	return sarafw_persist_decode(rec, buf, (size_t)n);
}

int sarafw_dev_load_state(sarafw_dev *dev, sarafw_persist *rec)
{
	bool stored;
	return load(dev, rec, &stored);
}

int sarafw_dev_reset(sarafw_dev *dev)
{
	const sarafw_port *p = dev->cfg.port;
	sarafw_persist rec;
	bool stored;
	int rc;
	if (!p->reset)
		return SARAFW_ENOTSUP;
	/* nor during a uFOTA download (note §2.7.3), this run's or a record's */
	if (dev->installing || dev->guard == SARAFW_DL_LWM2M)
		return SARAFW_EINSTALL;
	/* A host that rebooted mid-install knows it only from the record; one
	 * it cannot read might say so too: no reset until a good one replaces
	 * it (docs/behaviour.md). */
	rc = load(dev, &rec, &stored);
	if (sarafw_persist_installing(&rec) ||
	    (rec.state == SARAFW_PERSIST_DOWNLOADING && rec.method == SARAFW_DL_LWM2M))
		return SARAFW_EINSTALL;
	if (stored && rc != SARAFW_OK)
		return rc;
	SARAFW_NOTE(dev, "reset");
	rc = p->reset(p->ctx);
	forget_line(dev);
	return rc < 0 ? rc : SARAFW_OK;
}
