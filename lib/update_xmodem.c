/* FOAT with +UFWUPD and XMODEM (note §5.1): the host's half of the
 * exchange, run through the device layer, every wait bounded. */
#include <string.h>

#include "sarafw/cmdbuf.h"
#include "sarafw/error.h"
#include "sarafw/foat.h"
#include "sarafw/probe.h"

#define ANSWER_MS 5000u  /* an ordinary command answers within this */
#define FINAL_MS 15000u  /* note §5.1.1: final result code after the transfer */
#define QUIET_MS 1000u   /* let the line settle before probing again */
#define POLL_MS 1000u    /* longest single wait inside the transfer loop */

static uint32_t now(const sarafw_dev *dev)
{
	return dev->cfg.port->now_ms(dev->cfg.port->ctx);
}

static void report(const sarafw_foat_config *cfg, sarafw_foat_phase phase, uint32_t done, uint32_t total)
{
	if (cfg->progress)
		cfg->progress(cfg->progress_ctx, phase, done, total);
}

static void note(sarafw_dev *dev, const char *text)
{
	if (dev->cfg.trace)
		dev->cfg.trace(dev->cfg.trace_ctx, SARAFW_TRACE_NOTE, text, strlen(text));
}

/* note §5.1.1 "Additional rate": module first (its OK still comes at the
 * old rate), then the host, then a probe at the new rate. */
static int switch_baud(sarafw_dev *dev, uint32_t to)
{
	char cmd[24];
	sarafw_cmdbuf b;
	int rc;
	sarafw_cmdbuf_init(&b, cmd, sizeof cmd);
	sarafw_cmdbuf_str(&b, "AT+IPR=");
	sarafw_cmdbuf_u32(&b, to);
	if ((rc = sarafw_cmd(dev, cmd, NULL, ANSWER_MS, NULL, NULL)) != SARAFW_OK)
		return rc;
	if (dev->cfg.port->set_baud(dev->cfg.port->ctx, to) != SARAFW_OK)
		return SARAFW_EINVAL;
	return sarafw_probe(dev, ANSWER_MS);
}

/* Trace what the XMODEM exchange did since the last call: the start mode,
 * NAKs, timeouts and resent blocks, with the offset of the block. */
static void trace_xmodem(sarafw_dev *dev, const sarafw_xmodem *x, sarafw_xmodem_stats *seen)
{
	const sarafw_xmodem_stats *st = sarafw_xmodem_get_stats(x);
	char text[80];
	sarafw_cmdbuf b;
	if (!dev->cfg.trace)
		return;
	sarafw_cmdbuf_init(&b, text, sizeof text);
	if (st->blocks && !seen->blocks)
		sarafw_cmdbuf_str(&b, sarafw_xmodem_crc_mode(x) ? "XMODEM started, CRC-16" : "XMODEM started, checksum");
	else if (st->naks != seen->naks)
		sarafw_cmdbuf_str(&b, "XMODEM NAK at offset ");
	else if (st->timeouts != seen->timeouts)
		sarafw_cmdbuf_str(&b, "XMODEM no answer, resending offset ");
	else if (st->retransmissions != seen->retransmissions)
		sarafw_cmdbuf_str(&b, "XMODEM resent offset ");
	else
		return;
	if (seen->blocks) {
		uint32_t acked, total;
		sarafw_xmodem_progress(x, &acked, &total);
		sarafw_cmdbuf_u32(&b, acked); /* the block after the acknowledged bytes */
	}
	*seen = *st;
	note(dev, text);
}

/* Run the XMODEM sender on the raw line until it ends. */
static int transfer(sarafw_dev *dev, const sarafw_foat_config *cfg, uint32_t window_ms,
		    sarafw_xmodem_stats *stats)
{
	sarafw_xmodem x;
	sarafw_xmodem_config xc = {
		.buf = cfg->buf,
		.buf_size = cfg->buf_size,
		.size = cfg->size,
		.read = cfg->read,
		.ctx = cfg->ctx,
		.block_size = cfg->block_size,
		/* the module sends 'C' then NAK for window_ms, then gives up */
		.start_timeout_ms = window_ms,
	};
	uint32_t reported = UINT32_MAX;
	sarafw_xmodem_stats seen = { 0 };
	int rc = sarafw_xmodem_start(&x, &xc, now(dev));
	if (rc)
		return rc;
	for (;;) {
		const uint8_t *p;
		size_t n = sarafw_xmodem_output(&x, &p);
		if (n) {
			if (reported == UINT32_MAX) {
				/* the clock of the data phase starts with the first block */
				reported = 0;
				report(cfg, SARAFW_FOAT_TRANSFER, 0, cfg->size);
			}
			if (sarafw_dev_write_raw(dev, p, n) < 0) {
				sarafw_xmodem_abort(&x);
				rc = SARAFW_EIO;
				break;
			}
			sarafw_xmodem_sent(&x, n, now(dev));
			continue;
		}
		if (sarafw_xmodem_status(&x) != SARAFW_XMODEM_RUNNING)
			break;
		uint32_t wait = sarafw_xmodem_wait_ms(&x, now(dev));
		int got = sarafw_dev_peek(dev, &p, wait < POLL_MS ? wait : POLL_MS);
		if (got < 0) {
			sarafw_xmodem_abort(&x);
			rc = SARAFW_EIO;
			continue; /* still send the CANs if the line takes them */
		}
		if (got > 0)
			sarafw_dev_consume(dev, sarafw_xmodem_input(&x, p, (size_t)got, now(dev)));
		sarafw_xmodem_tick(&x, now(dev));
		trace_xmodem(dev, &x, &seen);
		uint32_t acked, total;
		sarafw_xmodem_progress(&x, &acked, &total);
		if (reported != UINT32_MAX && acked != reported) {
			reported = acked;
			report(cfg, SARAFW_FOAT_TRANSFER, acked, total);
		}
	}
	if (stats)
		*stats = *sarafw_xmodem_get_stats(&x);
	return rc ? rc : sarafw_xmodem_status(&x);
}

/* After the transfer: SARA-R422 family ends +UFWUPD with a final result
 * code (§5.1.1); SARA-R410M/R412M give no indication and simply accept AT
 * again (§5.1.2). */
static int finish(sarafw_dev *dev, const sarafw_variant *v, int xrc)
{
	int rc;
	if (v->family == SARAFW_FAMILY_R422) {
		/* after a failed transfer the module may still be in its window */
		rc = sarafw_dev_result(dev, xrc ? v->xmodem_window_ms : FINAL_MS, NULL, NULL);
		if (xrc)
			return xrc;
		return rc;
	}
	sarafw_at_end(&dev->at);
	sarafw_dev_drain(dev, QUIET_MS, ANSWER_MS);
	rc = sarafw_probe(dev, v->xmodem_window_ms);
	return xrc ? xrc : rc;
}

int sarafw_foat_xmodem(sarafw_dev *dev, const sarafw_foat_config *cfg, sarafw_xmodem_stats *stats)
{
	const sarafw_variant *v = dev->variant;
	bool switched = false;
	int rc, xrc;

	if (!cfg || !cfg->read || (cfg->block_size != 128 && cfg->block_size != 1024) ||
	    cfg->buf_size < SARAFW_XMODEM_BUF_MIN)
		return SARAFW_EINVAL;
	if (!v || !(v->methods & SARAFW_METHOD_FOAT))
		return SARAFW_ENOTSUP;
	if (stats)
		memset(stats, 0, sizeof *stats);
	if (cfg->baud && cfg->baud != cfg->host_baud) {
		if (cfg->baud > v->max_baud || !dev->cfg.port->set_baud)
			return SARAFW_ENOTSUP;
		report(cfg, SARAFW_FOAT_BAUD, 0, cfg->size);
		note(dev, "switching baud rate for the transfer");
		switched = true;
		if ((rc = switch_baud(dev, cfg->baud)) != SARAFW_OK) {
			if (rc == SARAFW_ENOMODULE || rc == SARAFW_EGARBLED)
				rc = SARAFW_EBAUD; /* the line does not work at that rate */
			goto out;
		}
	}

	report(cfg, SARAFW_FOAT_PREPARE, 0, cfg->size);
	rc = sarafw_dev_send(dev, "AT+UFWUPD=3", "+UFWUPD", false, v->foat_prep_ms);
	if (rc)
		goto out;
	/* note §5.1.1: ~5 s (§5.1.2: ~20 s) to prepare, then ONGOING */
	rc = sarafw_dev_until(dev, v->foat_prep_ms, "+UFWUPD: ONGOING", NULL, 0);
	if (rc) {
		sarafw_at_end(&dev->at);
		goto out;
	}
	sarafw_guard_set(dev, SARAFW_DL_UFWUPD);
	note(dev, "XMODEM window open");
	xrc = transfer(dev, cfg, v->xmodem_window_ms, stats);
	note(dev, xrc ? "XMODEM transfer failed" : "XMODEM transfer complete");
	report(cfg, SARAFW_FOAT_FINISH, cfg->size, cfg->size);
	rc = finish(dev, v, xrc);
	sarafw_guard_set(dev, SARAFW_DL_NONE);
	if (rc == SARAFW_OK)
		report(cfg, SARAFW_FOAT_STORED, cfg->size, cfg->size);
out:
	if (switched) {
		/* back to the rate the caller's port started with, whatever happened */
		if (switch_baud(dev, cfg->host_baud) != SARAFW_OK) {
			/* The module may never have left host_baud, or may be
			 * stuck at cfg->baud: the host goes back anyway and looks. */
			dev->cfg.port->set_baud(dev->cfg.port->ctx, cfg->host_baud);
			if (sarafw_probe(dev, ANSWER_MS) != SARAFW_OK) {
				note(dev, "no answer after switching the baud rate back");
				rc = SARAFW_EBAUDBACK;
			}
		}
	}
	if (rc == SARAFW_OK)
		report(cfg, SARAFW_FOAT_DONE, cfg->size, cfg->size);
	return rc;
}
