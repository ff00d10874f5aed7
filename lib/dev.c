/* The blocking layer: runs the AT engine through the port, one call per
 * command, every wait bounded by a deadline on the port's clock. */
#include <string.h>

#include "sarafw/dev.h"
#include "sarafw/error.h"

static void trace(sarafw_dev *dev, char dir, const char *data, size_t len)
{
	if (dev->cfg.trace)
		dev->cfg.trace(dev->cfg.trace_ctx, dir, data, len);
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

/* Read more bytes into dev->rx, waiting until deadline at the latest (a
 * passed deadline still takes what is already there). Returns the count,
 * 0 when nothing came, or a negative error. */
static int fill(sarafw_dev *dev, uint32_t deadline)
{
	uint32_t t = now(dev);
	int n = dev->cfg.port->read(dev->cfg.port->ctx, dev->rx, sizeof dev->rx,
				    sarafw_time_reached(t, deadline) ? 0 : deadline - t);
	if (n < 0)
		return SARAFW_EIO;
	dev->rx_pos = 0;
	dev->rx_len = (size_t)n;
	dev->rx_total += (uint32_t)n;
	return n;
}

/* Next event from the module, dispatching URCs to their handlers on the
 * way (and returning them too when want_urcs). Returns SARAFW_OK with *ev
 * set, SARAFW_ETIMEOUT at the deadline, or SARAFW_EIO. */
static int next_event(sarafw_dev *dev, uint32_t deadline, sarafw_at_event *ev, bool want_urcs)
{
	for (;;) {
		while (dev->rx_pos < dev->rx_len) {
			dev->rx_pos += sarafw_at_parse(&dev->at, dev->rx + dev->rx_pos,
						       dev->rx_len - dev->rx_pos, ev);
			if (ev->type == SARAFW_AT_EV_NONE)
				continue;
			trace(dev, SARAFW_TRACE_RX, ev->line ? ev->line : "", ev->line ? ev->len : 0);
			if (ev->type == SARAFW_AT_EV_URC) {
				const sarafw_urc *u = &dev->cfg.urcs[ev->urc];
				dev->urc_count++;
				if (u->fn)
					u->fn(dev->cfg.urc_ctx, (char *)ev->line, ev->len);
				if (!want_urcs)
					continue;
			}
			return SARAFW_OK;
		}
		int n = fill(dev, deadline);
		if (n < 0)
			return n;
		if (n == 0 && sarafw_time_reached(now(dev), deadline))
			return SARAFW_ETIMEOUT;
	}
}

static int final_result(sarafw_dev *dev, const sarafw_at_event *ev)
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
		dev->last_cme = ev->code;
		return SARAFW_ECME;
	default:
		return SARAFW_EPROTO;
	}
}

int sarafw_dev_send(sarafw_dev *dev, const char *cmd, const char *resp_prefix, bool prompt,
		    uint32_t timeout_ms)
{
	size_t len = strlen(cmd);
	int rc = sarafw_guard_check(dev->guard, cmd);
	if (rc)
		return rc;
	if (len + 1 > SARAFW_CMD_MAX)
		return SARAFW_EINVAL;
	dev->last_cme = -1;
	dev->last_error[0] = '\0';
	trace(dev, SARAFW_TRACE_TX, cmd, len);
	if (dev->cfg.port->write(dev->cfg.port->ctx, (const uint8_t *)cmd, len) < 0 ||
	    dev->cfg.port->write(dev->cfg.port->ctx, (const uint8_t *)"\r", 1) < 0)
		return SARAFW_EIO;
	sarafw_at_begin(&dev->at, cmd, resp_prefix, prompt, now(dev), timeout_ms);
	return SARAFW_OK;
}

int sarafw_dev_result(sarafw_dev *dev, uint32_t timeout_ms, sarafw_line_fn on_line, void *ctx)
{
	uint32_t deadline = now(dev) + timeout_ms;
	sarafw_at_event ev;
	for (;;) {
		int rc = next_event(dev, deadline, &ev, false);
		if (rc) {
			sarafw_at_end(&dev->at);
			return rc;
		}
		switch (ev.type) {
		case SARAFW_AT_EV_RESPONSE:
			if (on_line)
				on_line(ctx, (char *)ev.line, ev.len);
			break;
		case SARAFW_AT_EV_FINAL:
			sarafw_at_end(&dev->at);
			return final_result(dev, &ev);
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
	return rc ? rc : sarafw_dev_result(dev, timeout_ms, on_line, ctx);
}

struct get_ctx {
	const char *prefix;
	char *out;
	size_t size;
	int rc; /* SARAFW_EPROTO until a line was copied */
};

static void get_line(void *p, char *line, size_t len)
{
	struct get_ctx *g = p;
	size_t plen = g->prefix ? strlen(g->prefix) : 0;
	if (g->rc != SARAFW_EPROTO)
		return; /* first matching line only */
	if (plen) {
		if (strncmp(line, g->prefix, plen) != 0)
			return;
		line += plen;
		len -= plen;
		if (*line == ':') {
			line++;
			len--;
		}
		while (*line == ' ') {
			line++;
			len--;
		}
	}
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

int sarafw_dev_wait(sarafw_dev *dev, uint32_t timeout_ms, const char *stop_prefix, char *out,
		    size_t out_size)
{
	uint32_t deadline = now(dev) + timeout_ms;
	uint32_t before = dev->urc_count;
	sarafw_at_event ev;
	for (;;) {
		int rc = next_event(dev, deadline, &ev, true);
		if (rc == SARAFW_ETIMEOUT)
			return (int)(dev->urc_count - before);
		if (rc)
			return rc;
		if (stop_prefix && ev.line && strncmp(ev.line, stop_prefix, strlen(stop_prefix)) == 0)
			break;
	}
	if (out && out_size) {
		size_t n = ev.len < out_size ? ev.len : out_size - 1;
		memcpy(out, ev.line, n);
		out[n] = '\0';
	}
	return (int)(dev->urc_count - before);
}

int sarafw_dev_until(sarafw_dev *dev, uint32_t timeout_ms, const char *prefix, char *out,
		     size_t out_size)
{
	uint32_t deadline = now(dev) + timeout_ms;
	sarafw_at_event ev;
	for (;;) {
		int rc = next_event(dev, deadline, &ev, false);
		if (rc)
			return rc;
		if (ev.type == SARAFW_AT_EV_FINAL) {
			sarafw_at_end(&dev->at);
			rc = final_result(dev, &ev);
			return rc ? rc : SARAFW_EPROTO;
		}
		if (ev.type == SARAFW_AT_EV_RESPONSE && strncmp(ev.line, prefix, strlen(prefix)) == 0) {
			if (out && out_size) {
				size_t n = ev.len < out_size ? ev.len : out_size - 1;
				memcpy(out, ev.line, n);
				out[n] = '\0';
			}
			return SARAFW_OK;
		}
	}
}

int sarafw_dev_peek(sarafw_dev *dev, const uint8_t **data, uint32_t timeout_ms)
{
	if (dev->rx_pos >= dev->rx_len) {
		int n = fill(dev, now(dev) + timeout_ms);
		if (n <= 0)
			return n;
	}
	*data = dev->rx + dev->rx_pos;
	return (int)(dev->rx_len - dev->rx_pos);
}

void sarafw_dev_consume(sarafw_dev *dev, size_t n)
{
	size_t avail = dev->rx_len - dev->rx_pos;
	dev->rx_pos += n < avail ? n : avail;
}

int sarafw_dev_write_raw(sarafw_dev *dev, const uint8_t *buf, size_t len)
{
	return dev->cfg.port->write(dev->cfg.port->ctx, buf, len) < 0 ? SARAFW_EIO : (int)len;
}

void sarafw_dev_drain(sarafw_dev *dev, uint32_t quiet_ms, uint32_t max_ms)
{
	uint32_t end = now(dev) + max_ms;
	uint8_t junk[64];
	sarafw_at_config cfg = dev->at.cfg;
	dev->rx_pos = dev->rx_len = 0;
	sarafw_at_init(&dev->at, &cfg); /* drop any partial line */
	while (!sarafw_time_reached(now(dev), end)) {
		uint32_t left = end - now(dev);
		if (dev->cfg.port->read(dev->cfg.port->ctx, junk, sizeof junk,
					left < quiet_ms ? left : quiet_ms) <= 0)
			break;
	}
}
