/* Downloads by the module itself over FTP (note §3) and HTTP (note §4):
 * the result URCs' parsers, credential redaction for the trace, and the
 * blocking calls, each a loop over its step engine (lib/download_ftp.c,
 * lib/download_http.c). */
#include <string.h>

#include "sarafw/cmdbuf.h"
#include "sarafw/error.h"
#include "sarafw/net.h"
#include "sarafw/timeouts.h"
#include "sarafw/variant.h"
#include "note.h"
#include "str.h"

/* ---- Parsers ------------------------------------------------------------
 * Strict and const: a line either has exactly the form or is EPROTO. */

static const char *skip_sp(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* A decimal number of at most 10 digits that fits uint32_t. */
static const char *num(const char *s, uint32_t *v)
{
	uint64_t x = 0;
	int n = 0;
	s = skip_sp(s);
	while (*s >= '0' && *s <= '9') {
		x = x * 10u + (uint64_t)(*s - '0');
		if (++n > 10 || x > UINT32_MAX)
			return NULL;
		s++;
	}
	if (n == 0)
		return NULL;
	*v = (uint32_t)x;
	return skip_sp(s);
}

static const char *comma(const char *s)
{
	return s && *s == ',' ? s + 1 : NULL;
}

/* "<32 hex digits>" into out, lower case. */
static const char *md5(const char *s, char *out)
{
	unsigned i;
	s = skip_sp(s);
	if (*s++ != '"')
		return NULL;
	for (i = 0; i < SARAFW_NET_MD5_LEN; i++, s++) {
		char c = *s;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return NULL;
		out[i] = c;
	}
	out[i] = '\0';
	if (*s++ != '"')
		return NULL;
	return skip_sp(s);
}

static const char *after_prefix(const char *line, const char *prefix)
{
	if (!line || !sarafw_str_starts(line, prefix))
		return NULL;
	return line + sarafw_str_len(prefix);
}

static int bad(sarafw_net_urc *out)
{
	memset(out, 0, sizeof *out);
	return SARAFW_EPROTO;
}

int sarafw_uuftpcr_parse(const char *line, sarafw_net_urc *out)
{
	const char *s = after_prefix(line, "+UUFTPCR:");
	uint32_t op, a, b;
	memset(out, 0, sizeof *out);
	if (!s || !(s = comma(num(s, &op))) || op > 0xffffu || !(s = num(s, &a)))
		return bad(out);
	out->op = (uint16_t)op;
	if (*s == '/') {
		/* R410M/R412M status (note §3.3.2) */
		if (op != 100 || !(s = num(s + 1, &b)) || *s || a > b)
			return bad(out);
		out->progress = true;
		out->stored = a;
		out->total = b;
		return SARAFW_OK;
	}
	if (a > 1)
		return bad(out);
	out->ok = a == 1;
	if (*s == ',') {
		if (!out->ok || op != 100 || !(s = md5(s + 1, out->md5)))
			return bad(out);
		out->has_md5 = true;
	}
	return *s ? bad(out) : SARAFW_OK;
}

int sarafw_uuhttpcr_parse(const char *line, sarafw_net_urc *out)
{
	const char *s = after_prefix(line, "+UUHTTPCR:");
	uint32_t p, cmd, r, st;
	memset(out, 0, sizeof *out);
	if (!s || !(s = comma(num(s, &p))) || p > 3 || !(s = comma(num(s, &cmd))) || cmd > 0xffffu ||
	    !(s = num(s, &r)) || r > 1)
		return bad(out);
	out->profile = (uint8_t)p;
	out->op = (uint16_t)cmd;
	out->ok = r == 1;
	if (*s == ',') {
		/* command 100 (AT-FACTS.md "HTTP"): status, then the MD5 */
		if (cmd != 100 || !(s = num(s + 1, &st)) || st > 999)
			return bad(out);
		out->http_status = (uint16_t)st;
		if (*s == ',') {
			/* a failed download has an empty MD5 ("") */
			const char *e = skip_sp(s + 1);
			if (e[0] == '"' && e[1] == '"') {
				s = skip_sp(e + 2);
			} else {
				if (!(s = md5(s + 1, out->md5)))
					return bad(out);
				out->has_md5 = true;
			}
		}
	}
	return *s ? bad(out) : SARAFW_OK;
}

static int small(uint32_t v, int *out)
{
	if (v > 0xffffu)
		return 0;
	if (out)
		*out = (int)v;
	return 1;
}

int sarafw_uftper_parse(const char *line, int *cls, int *code)
{
	const char *s = after_prefix(line, "+UFTPER:");
	uint32_t a, b;
	if (!s || !(s = comma(num(s, &a))) || !(s = num(s, &b)) || *s || !small(a, cls) || !small(b, code))
		return SARAFW_EPROTO;
	return SARAFW_OK;
}

int sarafw_uhttper_parse(const char *line, int *profile, int *cls, int *code)
{
	const char *s = after_prefix(line, "+UHTTPER:");
	uint32_t p, a, b;
	if (!s || !(s = comma(num(s, &p))) || p > 3 || !(s = comma(num(s, &a))) || !(s = num(s, &b)) || *s ||
	    !small(p, profile) || !small(a, cls) || !small(b, code))
		return SARAFW_EPROTO;
	return SARAFW_OK;
}

static const struct net_error {
	int cls, code;
	const char *text;
} net_errors[] = {
	{ .cls = 8, .code = 40, .text = "the download session was cancelled (note §3.5)" },
	{ .cls = 3, .code = 10, .text = "internal error" },
	{ .cls = 10, .code = 22, .text = "PDP context not active: no data connection" },
	{ .cls = 3, .code = 11, .text = "no response from the server, or a bad profile" },
};

const char *sarafw_net_error_text(int cls, int code)
{
	size_t i;
	for (i = 0; i < sizeof net_errors / sizeof net_errors[0]; i++)
		if (net_errors[i].cls == cls && net_errors[i].code == code)
			return net_errors[i].text;
	return "unknown error";
}

/* line (len bytes, not terminated) starts with prefix */
static bool starts_n(const char *line, size_t len, const char *prefix)
{
	size_t i;
	for (i = 0; prefix[i]; i++)
		if (i >= len || line[i] != prefix[i])
			return false;
	return true;
}

size_t sarafw_trace_secret_at(const char *line, size_t len)
{
	size_t i = 9;
	if (!line)
		return len;
	if (len > 10 && starts_n(line, len, "AT+UFTP=3,"))
		return 10;
	if (len < 13 || !starts_n(line, len, "AT+UHTTP="))
		return len;
	while (i < len && line[i] >= '0' && line[i] <= '9')
		i++;
	if (i == 9 || i + 2 >= len || line[i] != ',' || line[i + 1] != '3' || line[i + 2] != ',')
		return len;
	return i + 3;
}

/* ---- The blocking calls: loops over the engines (lib/download_*.c) ---- */

static int run(sarafw_dev *dev, sarafw_netdl *e, int rc, bool (*cancel)(void *), void *ctx)
{
	if (rc)
		return rc;
	do {
		if (cancel && cancel(ctx))
			sarafw_netdl_abort(e);
		rc = sarafw_dev_step(dev, &sarafw_netdl_engine, e, cancel ? SARAFW_POLL_MS : UINT32_MAX);
	} while (rc == SARAFW_RUNNING);
	return rc;
}

static uint32_t now_ms(const sarafw_dev *dev)
{
	return dev->cfg.port->now_ms(dev->cfg.port->ctx);
}

int sarafw_ftp_cancel(sarafw_dev *dev, const char *file, uint32_t max_ms)
{
	sarafw_netdl e;
	if (!dev)
		return SARAFW_EINVAL;
	return run(dev, &e, sarafw_ftp_cancel_start(&e, dev, file, max_ms, now_ms(dev)), NULL, NULL);
}

int sarafw_ftp_download(sarafw_dev *dev, const sarafw_ftp_config *cfg, sarafw_net_result *res)
{
	sarafw_netdl e;
	if (!dev || !cfg)
		return SARAFW_EINVAL;
	return run(dev, &e, sarafw_ftp_start(&e, dev, cfg, res, now_ms(dev)), cfg->cancel, cfg->cancel_ctx);
}

int sarafw_http_url(const char *url, sarafw_http_config *cfg, char *host, size_t host_size)
{
	const char *s;
	size_t n = 0;
	uint32_t port = 0;
	if (!url || !cfg || !host || host_size == 0)
		return SARAFW_EINVAL;
	if (sarafw_str_starts(url, "http://")) {
		s = url + 7;
		cfg->secure = false;
	} else if (sarafw_str_starts(url, "https://")) {
		s = url + 8;
		cfg->secure = true;
	} else {
		return SARAFW_EINVAL;
	}
	while (s[n] && s[n] != ':' && s[n] != '/') {
		if (s[n] == '"' || s[n] == '@' || n + 1 >= host_size)
			return SARAFW_EINVAL;
		host[n] = s[n];
		n++;
	}
	host[n] = '\0';
	if (n == 0)
		return SARAFW_EINVAL;
	s += n;
	if (*s == ':') {
		int digits = 0;
		for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
			port = port * 10u + (uint32_t)(*s - '0');
			if (port > 65535u)
				return SARAFW_EINVAL;
		}
		if (!digits || port == 0)
			return SARAFW_EINVAL;
	}
	if (*s != '/' || !s[1] || sarafw_str_chr(s, '"'))
		return SARAFW_EINVAL;
	cfg->server = host;
	cfg->port = (uint16_t)port;
	cfg->path = s;
	return SARAFW_OK;
}

int sarafw_http_download(sarafw_dev *dev, const sarafw_http_config *cfg, sarafw_net_result *res)
{
	sarafw_netdl e;
	if (!dev || !cfg)
		return SARAFW_EINVAL;
	return run(dev, &e, sarafw_http_start(&e, dev, cfg, res, now_ms(dev)), cfg->cancel, cfg->cancel_ctx);
}
