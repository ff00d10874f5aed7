/* The HTTP download engine (note §4): the profile from its defaults, the
 * GET into the FOTA area (AT+UHTTPC=<p>,100), its result, the error
 * answer. The shared machinery is lib/download_net.c. The note has no
 * resume and no cancel for HTTP: a recorded download is asked for again
 * (the module resumes it with a Range request, docs/behaviour.md), and an
 * abort leaves the module's download running. */
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/net.h"
#include "sarafw/persist.h"
#include "sarafw/timeouts.h"
#include "sarafw/variant.h"
#include "netdl.h"
#include "note.h"

enum {
	H_PROFILE, /* AT+UHTTP=<p>, then AT+UHTTP=<p>,<op>,... (note §4.1) */
	H_GET,     /* AT+UHTTPC=<p>,100,<path> (note §4.2) */
	H_FOLLOW,  /* +UUHTTPCR: <p>,100,... */
	H_ERROR,   /* AT+UHTTPER=<p> (note §4.3) */
};

/* The profile in order: reset, server, port, secure, user, password,
 * auth type; a 0 or NULL value is left out. */
enum { P_RESET, P_SERVER, P_PORT, P_SECURE, P_USER, P_PASSWORD, P_AUTH, P_N };
static const uint8_t profile_op[P_N] = {
	[P_SERVER] = 1, [P_PORT] = 5, [P_SECURE] = 6, [P_USER] = 2, [P_PASSWORD] = 3, [P_AUTH] = 4,
};

static void prefix(sarafw_netdl *e, sarafw_cmdbuf *b, const char *cmd)
{
	netdl_build(e, b);
	sarafw_cmdbuf_str(b, cmd);
	sarafw_cmdbuf_u32(b, e->http->profile);
}

static void error(sarafw_netdl *e, int rc, uint32_t now)
{
	sarafw_cmdbuf b;
	e->rc = (int16_t)rc;
	e->step = H_ERROR;
	prefix(e, &b, "AT+UHTTPER=");
	netdl_send(e, &b, SARAFW_ANSWER_MS, now);
}

static void profile_next(sarafw_netdl *e, uint32_t now)
{
	const sarafw_http_config *c = e->http;
	sarafw_cmdbuf b;
	if (e->item == P_RESET) {
		/* AT+UHTTP=<p>: the profile from its defaults (note §4.1) */
		e->item++;
		prefix(e, &b, "AT+UHTTP=");
		netdl_send(e, &b, SARAFW_ANSWER_MS, now);
		return;
	}
	for (; e->item < P_N; e->item++) {
		const char *s = NULL;
		uint32_t v = 0;
		switch (e->item) {
		case P_SERVER: s = c->server; break;
		case P_PORT: v = c->port; break;
		case P_SECURE: v = c->secure; break;
		case P_USER: s = c->user; break;
		case P_PASSWORD: s = c->user ? c->password : NULL; break;
		default: v = c->user ? 1 : 0; break; /* basic authentication */
		}
		if (!s && !v)
			continue;
		prefix(e, &b, "AT+UHTTP=");
		sarafw_cmdbuf_str(&b, ",");
		sarafw_cmdbuf_u32(&b, profile_op[e->item]);
		sarafw_cmdbuf_str(&b, ",");
		if (s)
			sarafw_cmdbuf_quoted(&b, s);
		else
			sarafw_cmdbuf_u32(&b, v);
		e->item++;
		netdl_send(e, &b, SARAFW_ANSWER_MS, now);
		return;
	}
	e->step = H_GET;
	prefix(e, &b, "AT+UHTTPC=");
	sarafw_cmdbuf_str(&b, ",100,");
	sarafw_cmdbuf_quoted(&b, c->path);
	/* note §4.2 gives no time to OK: the module prepares its FOTA area
	 * first, as for +UFTPC=100 (note §3.2), so the same bound */
	netdl_send(e, &b, e->dev->variant->limits->ftp_start_ms, now);
}

static void on_line(sarafw_netdl *e, const char *line, uint32_t now)
{
	sarafw_net_urc u;
	if (e->step == H_ERROR) {
		netdl_error_line(e, line);
		return;
	}
	if (e->step != H_FOLLOW || sarafw_uuhttpcr_parse(line, &u) != SARAFW_OK || u.profile != e->http->profile ||
	    u.op != 100)
		return; /* another profile's or command's, or garbled */
	e->res->http_status = u.http_status;
	if (u.ok) {
		netdl_end(e, netdl_good(e, u.has_md5 ? u.md5 : NULL, e->http->md5));
		return;
	}
	error(e, SARAFW_EERROR, now); /* the record stays: asking again resumes */
}

static void on_http(sarafw_netdl *e, int ev, int rc, const char *line, uint32_t now)
{
	if (ev == NETDL_LINE) {
		on_line(e, line, now);
		return;
	}
	if (ev == NETDL_TIMEOUT) {
		netdl_end(e, SARAFW_ETIMEOUT);
		return;
	}
	if (ev == NETDL_ABORT || (e->aborted == 1 && e->step != H_ERROR)) {
		/* note §4: no cancel. A GET the module took goes on: the guard
		 * stays for it and the record lets the next run ask again. */
		bool running = e->step == H_FOLLOW || (e->step == H_GET && rc == SARAFW_OK);
		e->aborted = 2;
		if (running && e->step == H_GET)
			netdl_record(e, SARAFW_PERSIST_DOWNLOADING, 0, 0);
		netdl_end(e, SARAFW_ECANCEL);
		if (running)
			sarafw_guard_set(e->dev, SARAFW_DL_HTTP);
		return;
	}
	switch (e->step) {
	case H_PROFILE:
		if (rc)
			netdl_end(e, rc);
		else
			profile_next(e, now);
		return;
	case H_GET:
		if (rc == SARAFW_OK) {
			sarafw_guard_set(e->dev, SARAFW_DL_HTTP); /* note §7 */
			e->flags |= NETDL_STARTED;
			netdl_record(e, SARAFW_PERSIST_DOWNLOADING, 0, 0);
			e->step = H_FOLLOW;
			netdl_wait(e, e->http->max_ms ? e->http->max_ms : SARAFW_NET_DOWNLOAD_MS, now);
		} else if (rc == SARAFW_EERROR) {
			error(e, rc, now);
		} else {
			netdl_end(e, rc);
		}
		return;
	case H_ERROR:
		netdl_end(e, e->rc);
		return;
	default:
		return;
	}
}

int sarafw_http_start(sarafw_netdl *e, sarafw_dev *dev, const sarafw_http_config *cfg, sarafw_net_result *res,
		      uint32_t now)
{
	sarafw_persist rec;
	if (!e || !dev)
		return SARAFW_EINVAL;
	netdl_init(e, dev, res, SARAFW_DL_HTTP, on_http);
	e->http = cfg;
	if (!res || !cfg || cfg->profile > 3 || !cfg->server || !cfg->server[0] || !cfg->path || cfg->path[0] != '/' ||
	    (cfg->user && !cfg->password) || !netdl_md5_ok(cfg->md5)) {
		netdl_end(e, SARAFW_EINVAL);
		return e->status;
	}
	if (!dev->variant || !(dev->variant->methods & SARAFW_METHOD_HTTP)) {
		netdl_end(e, SARAFW_ENOTSUP); /* note Table 1 */
		return e->status;
	}
	e->hash = sarafw_persist_hash(cfg->path);
	netdl_load(e, &rec);
	if (rec.state == SARAFW_PERSIST_DOWNLOADING && rec.method == SARAFW_DL_HTTP) {
		if (rec.name_hash == e->hash)
			res->how = SARAFW_NET_REISSUED;
		else
			res->replaced = true; /* no cancel for HTTP: the new GET replaces it */
	}
	e->step = H_PROFILE;
	profile_next(e, now);
	return e->status == SARAFW_RUNNING ? SARAFW_OK : e->status;
}
