/* The core of the FTP and HTTP download engines (lib/netdl.h): one
 * command or one wait for URCs at a time, the state record, progress and
 * the result's checks. The methods' steps are in lib/download_ftp.c and
 * lib/download_http.c. */
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/net.h"
#include "sarafw/persist.h"
#include "sarafw/timeouts.h"
#include "netdl.h"
#include "note.h"
#include "str.h"

enum { IO_IDLE, IO_CMD, IO_WAIT, IO_DONE };

void netdl_init(sarafw_netdl *e, sarafw_dev *dev, sarafw_net_result *res, uint8_t method,
		void (*on)(sarafw_netdl *, int, int, const char *, uint32_t))
{
	memset(e, 0, sizeof *e);
	e->dev = dev;
	e->res = res;
	e->method = method;
	e->on = on;
	e->login = -1;
	e->io = IO_IDLE;
	e->status = SARAFW_RUNNING;
	if (res) {
		memset(res, 0, sizeof *res);
		res->err_class = res->err_code = -1;
	}
	dev->tx_len = dev->tx_pos = 0;
}

void netdl_build(sarafw_netdl *e, sarafw_cmdbuf *b)
{
	sarafw_cmdbuf_init(b, e->cmd, sizeof e->cmd - 1); /* room for "\r" */
}

void netdl_build_set(sarafw_netdl *e, sarafw_cmdbuf *b, const char *prefix, uint32_t op)
{
	netdl_build(e, b);
	sarafw_cmdbuf_str(b, prefix);
	sarafw_cmdbuf_u32(b, op);
	sarafw_cmdbuf_str(b, ",");
}

void netdl_end(sarafw_netdl *e, int rc)
{
	if (e->io == IO_CMD)
		sarafw_at_end(&e->dev->at);
	sarafw_guard_set(e->dev, SARAFW_DL_NONE);
	if (!e->rc)
		e->rc = (int16_t)rc;
	e->status = e->rc;
	e->io = IO_DONE;
	e->cmd_len = e->cmd_pos = 0;
}

void netdl_send(sarafw_netdl *e, const sarafw_cmdbuf *b, uint32_t timeout_ms, uint32_t now)
{
	int rc;
	if (b->overflow) {
		netdl_end(e, SARAFW_EINVAL);
		return;
	}
	rc = sarafw_dev_begin(e->dev, e->cmd, NULL, false, now, timeout_ms);
	if (rc) {
		netdl_end(e, rc);
		return;
	}
	e->cmd[b->len] = '\r';
	e->cmd_len = (uint16_t)(b->len + 1);
	e->cmd_pos = 0;
	e->io = IO_CMD;
}

void netdl_wait(sarafw_netdl *e, uint32_t ms, uint32_t now)
{
	e->io = IO_WAIT;
	e->until = now + ms;
}

static uint32_t since(const sarafw_netdl *e)
{
	return e->ftp ? e->ftp->since : e->http ? e->http->since : 0;
}

static uint32_t max_ms(const sarafw_netdl *e)
{
	uint32_t m = e->ftp ? e->ftp->max_ms : e->http ? e->http->max_ms : 0;
	return m ? m : SARAFW_NET_DOWNLOAD_MS;
}

void netdl_record(sarafw_netdl *e, sarafw_persist_state state, uint32_t stored, uint32_t total)
{
	sarafw_persist rec = { .state = state };
	if (state != SARAFW_PERSIST_IDLE) {
		rec.method = e->method;
		/* note §3.2: an FTP session resumes; HTTP has no resume command */
		rec.flags = e->method == SARAFW_DL_FTP ? SARAFW_PERSIST_F_RESUME : 0;
		rec.since = since(e);
		rec.max_ms = max_ms(e);
		rec.stored = total && stored > total ? total : stored;
		rec.total = total;
		rec.name_hash = e->hash;
	}
	e->saved = rec.stored;
	/* no storage: the download goes on, it just cannot resume after a host restart */
	(void)sarafw_dev_save_state(e->dev, &rec);
}

void netdl_load(sarafw_netdl *e, sarafw_persist *rec)
{
	if (sarafw_dev_load_state(e->dev, rec) != SARAFW_OK)
		memset(rec, 0, sizeof *rec);
}

void netdl_progress(sarafw_netdl *e, sarafw_net_progress_fn fn, void *ctx, uint32_t stored, uint32_t total)
{
	uint64_t step = (uint64_t)total * SARAFW_NET_RECORD_STEP / 100u;
	e->res->stored = stored;
	e->res->total = total;
	if (fn)
		fn(ctx, stored, total);
	/* flash wear: a record every SARAFW_NET_RECORD_STEP % (note §3.2: the
	 * module resumes from its own stored point anyway) */
	if (stored < e->saved || (uint64_t)(stored - e->saved) >= (step ? step : 1u))
		netdl_record(e, SARAFW_PERSIST_DOWNLOADING, stored, total);
}

bool netdl_md5_ok(const char *md5)
{
	return !md5 || sarafw_str_len(md5) == SARAFW_NET_MD5_LEN;
}

/* Both the module's and the caller's MD5 are hex; case does not count. */
static bool md5_differs(const char *want, const char *got)
{
	size_t i;
	for (i = 0; i < SARAFW_NET_MD5_LEN; i++) {
		char c = want[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (c != got[i])
			return true;
	}
	return want[i] != '\0';
}

int netdl_good(sarafw_netdl *e, const char *md5, const char *want)
{
	if (md5)
		memcpy(e->res->md5, md5, sizeof e->res->md5);
	if (want && md5 && md5_differs(want, md5)) {
		SARAFW_NOTE(e->dev, "the module's MD5 differs from the expected one");
		/* a package that is not the one asked for: nothing to resume or install */
		netdl_record(e, SARAFW_PERSIST_IDLE, 0, 0);
		return SARAFW_EPROTO;
	}
	netdl_record(e, SARAFW_PERSIST_STORED, e->res->total, e->res->total);
	return SARAFW_OK;
}

void netdl_error_line(sarafw_netdl *e, const char *line)
{
	int p;
	if (sarafw_uftper_parse(line, &e->res->err_class, &e->res->err_code) == SARAFW_OK ||
	    sarafw_uhttper_parse(line, &p, &e->res->err_class, &e->res->err_code) == SARAFW_OK)
		SARAFW_NOTE(e->dev, "the module's error after a failed download operation");
}

/* ---- The engine's functions ------------------------------------------------ */

size_t sarafw_netdl_output(sarafw_netdl *e, const uint8_t **out)
{
	*out = (const uint8_t *)e->cmd + e->cmd_pos;
	return e->io == IO_CMD ? (size_t)(e->cmd_len - e->cmd_pos) : 0;
}

void sarafw_netdl_sent(sarafw_netdl *e, size_t n, uint32_t now)
{
	(void)now;
	if (n > (size_t)(e->cmd_len - e->cmd_pos))
		n = (size_t)(e->cmd_len - e->cmd_pos);
	e->cmd_pos = (uint16_t)(e->cmd_pos + n);
}

static bool is_line(const sarafw_at_event *ev)
{
	return ev->type == SARAFW_AT_EV_RESPONSE || ev->type == SARAFW_AT_EV_URC || ev->type == SARAFW_AT_EV_STRAY;
}

size_t sarafw_netdl_input(sarafw_netdl *e, const uint8_t *in, size_t n, uint32_t now)
{
	size_t i = 0;
	if (e->io == IO_DONE)
		return 0;
	while (i < n && e->io != IO_DONE) {
		sarafw_at_event ev;
		i += sarafw_dev_parse(e->dev, in + i, n - i, &ev);
		if (is_line(&ev)) {
			e->on(e, NETDL_LINE, SARAFW_OK, ev.line, now);
		} else if (ev.type == SARAFW_AT_EV_FINAL && e->io == IO_CMD) {
			int rc;
			sarafw_at_end(&e->dev->at);
			rc = sarafw_dev_final(e->dev, &ev);
			e->io = IO_IDLE;
			e->on(e, NETDL_FINAL, rc, NULL, now);
		}
	}
	return i;
}

void sarafw_netdl_tick(sarafw_netdl *e, uint32_t now)
{
	sarafw_at_event ev;
	if (e->io == IO_CMD) {
		sarafw_at_tick(&e->dev->at, now, &ev);
		if (ev.type == SARAFW_AT_EV_TIMEOUT) {
			sarafw_at_end(&e->dev->at);
			e->io = IO_IDLE;
			e->on(e, NETDL_FINAL, SARAFW_ETIMEOUT, NULL, now);
		}
	} else if (e->io == IO_WAIT) {
		if (e->aborted == 1) {
			e->aborted = 2; /* told once */
			e->io = IO_IDLE;
			e->on(e, NETDL_ABORT, SARAFW_ECANCEL, NULL, now);
		} else if (sarafw_time_reached(now, e->until)) {
			e->io = IO_IDLE;
			e->on(e, NETDL_TIMEOUT, SARAFW_ETIMEOUT, NULL, now);
		}
	}
}

uint32_t sarafw_netdl_wait_ms(const sarafw_netdl *e, uint32_t now)
{
	switch (e->io) {
	case IO_CMD:
		return e->cmd_pos < e->cmd_len ? 0 : sarafw_at_wait_ms(&e->dev->at, now);
	case IO_WAIT:
		if (e->aborted == 1 || sarafw_time_reached(now, e->until))
			return 0;
		return e->until - now;
	case IO_IDLE:
		return 0;
	default:
		return UINT32_MAX;
	}
}

void sarafw_netdl_io_error(sarafw_netdl *e, int err, uint32_t now)
{
	(void)now;
	if (e->io != IO_DONE)
		netdl_end(e, err);
}

void sarafw_netdl_abort(sarafw_netdl *e)
{
	if (e->io == IO_DONE || e->aborted)
		return;
	e->aborted = 1;
	if (e->io == IO_CMD && e->cmd_pos == 0 && !(e->flags & NETDL_STARTED)) {
		/* the next command has not gone out, and no download runs: it never will */
		netdl_end(e, SARAFW_ECANCEL);
	}
	/* else the command under way ends first (e->on sees aborted) */
}

int sarafw_netdl_status(const sarafw_netdl *e)
{
	return e->status;
}

bool sarafw_netdl_started(const sarafw_netdl *e)
{
	return (e->flags & NETDL_STARTED) != 0;
}

static size_t e_output(void *e, const uint8_t **out) { return sarafw_netdl_output(e, out); }
static void e_sent(void *e, size_t n, uint32_t now) { sarafw_netdl_sent(e, n, now); }
static size_t e_input(void *e, const uint8_t *in, size_t n, uint32_t now) { return sarafw_netdl_input(e, in, n, now); }
static void e_tick(void *e, uint32_t now) { sarafw_netdl_tick(e, now); }
static uint32_t e_wait(const void *e, uint32_t now) { return sarafw_netdl_wait_ms(e, now); }
static int e_status(const void *e) { return sarafw_netdl_status(e); }
static void e_io_error(void *e, int err, uint32_t now) { sarafw_netdl_io_error(e, err, now); }

const sarafw_engine sarafw_netdl_engine = {
	.output = e_output,
	.sent = e_sent,
	.input = e_input,
	.tick = e_tick,
	.wait_ms = e_wait,
	.status = e_status,
	.io_error = e_io_error,
};
