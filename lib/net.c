/* Downloads by the module itself over FTP (note §3) and HTTP (note §4):
 * the result URCs' parsers, credential redaction for the trace, and the
 * blocking flows: profile, login (FTP), AT+UFTPC=100 / AT+UHTTPC=<p>,100,
 * then the module's URCs until the result. */
#include <string.h>

#include "sarafw/cmdbuf.h"
#include "sarafw/error.h"
#include "sarafw/net.h"
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

/* ---- The flows ------------------------------------------------------------ */

#define NET_CMD_MS 5000u           /* profile commands answer at once */
#define FTP_LOGIN_MS 60000u        /* login result: the server's answer over the radio */
#define FTP_START_MS 30000u        /* note §3.2: ~16 s to OK on R410M/R412M */
#define FTP_CANCEL_MS 60000u       /* note §3.2: ~20/50 s */
#define NET_DOWNLOAD_MS 1800000u   /* default bound on a download: 30 min */

static void res_init(sarafw_net_result *res)
{
	memset(res, 0, sizeof *res);
	res->err_class = res->err_code = -1;
}

/* AT<prefix><op>,"<s>" */
static int set_str(sarafw_dev *dev, const char *prefix, uint32_t op, const char *s)
{
	char cmd[SARAFW_CMD_MAX + 1];
	sarafw_cmdbuf b;
	sarafw_cmdbuf_init(&b, cmd, sizeof cmd);
	sarafw_cmdbuf_str(&b, prefix);
	sarafw_cmdbuf_u32(&b, op);
	sarafw_cmdbuf_str(&b, ",");
	sarafw_cmdbuf_quoted(&b, s);
	if (b.overflow)
		return SARAFW_EINVAL;
	return sarafw_cmd(dev, cmd, NULL, NET_CMD_MS, NULL, NULL);
}

static int set_num(sarafw_dev *dev, const char *prefix, uint32_t op, uint32_t v)
{
	char cmd[48];
	sarafw_cmdbuf b;
	sarafw_cmdbuf_init(&b, cmd, sizeof cmd);
	sarafw_cmdbuf_str(&b, prefix);
	sarafw_cmdbuf_u32(&b, op);
	sarafw_cmdbuf_str(&b, ",");
	sarafw_cmdbuf_u32(&b, v);
	return sarafw_cmd(dev, cmd, NULL, NET_CMD_MS, NULL, NULL);
}

/* Waits for the next line starting with prefix; "" in line on timeout. */
static int wait_line(sarafw_dev *dev, const char *prefix, uint32_t ms, char *line, size_t size)
{
	int rc;
	line[0] = '\0';
	rc = sarafw_dev_wait(dev, ms, prefix, line, size);
	if (rc < 0)
		return rc;
	return line[0] ? SARAFW_OK : SARAFW_ETIMEOUT;
}

static uint32_t now_ms(const sarafw_dev *dev)
{
	return dev->cfg.port->now_ms(dev->cfg.port->ctx);
}

/* Both the module's and the caller's MD5 are hex; case does not count. */
static bool md5_differs(const char *want, const char *got)
{
	size_t i;
	if (!want)
		return false;
	for (i = 0; i < SARAFW_NET_MD5_LEN; i++) {
		char c = want[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (c != got[i])
			return true;
	}
	return want[i] != '\0';
}

/* The login's result may come before OK (note §3.4: "+UUFTPCR: 1,1 OK"),
 * as a response to the pending command, or after it. */
typedef struct login {
	int result; /* -1 not yet, 0 failed, 1 logged in */
} login;

static void login_line(void *ctx, int argc, const char *const *argv, const char *line)
{
	login *l = ctx;
	(void)line;
	if (argc == 2 && sarafw_str_eq(argv[0], "1"))
		l->result = sarafw_str_eq(argv[1], "1") ? 1 : 0;
}

static void ftp_error(sarafw_dev *dev, sarafw_net_result *res)
{
	char line[64];
	if (sarafw_cmd_get(dev, "AT+UFTPER", "+UFTPER", NET_CMD_MS, line + 9, sizeof line - 9) != SARAFW_OK)
		return;
	memcpy(line, "+UFTPER: ", 9); /* sarafw_cmd_get took the prefix off */
	if (sarafw_uftper_parse(line, &res->err_class, &res->err_code) == SARAFW_OK)
		SARAFW_NOTE(dev, "+UFTPER after a failed FTP operation");
}

/* Waits for "+UUFTPCR: <op>,..." results until the one for op. */
static int ftp_result(sarafw_dev *dev, uint16_t op, uint32_t max_ms, sarafw_net_urc *u,
		      const sarafw_ftp_config *cfg)
{
	char line[96];
	uint32_t start = now_ms(dev);
	for (;;) {
		uint32_t spent = now_ms(dev) - start;
		int rc;
		if (spent >= max_ms)
			return SARAFW_ETIMEOUT;
		rc = wait_line(dev, "+UUFTPCR:", max_ms - spent, line, sizeof line);
		if (rc)
			return rc;
		if (sarafw_uuftpcr_parse(line, u) != SARAFW_OK || u->op != op)
			continue; /* another operation's, or garbled: not ours */
		if (!u->progress)
			return SARAFW_OK;
		if (cfg && cfg->progress)
			cfg->progress(cfg->progress_ctx, u->stored, u->total);
	}
}

static bool ftp_supported(const sarafw_dev *dev)
{
	return dev->variant && (dev->variant->methods & SARAFW_METHOD_FTP);
}

int sarafw_ftp_cancel(sarafw_dev *dev, const char *file, uint32_t max_ms)
{
	char cmd[SARAFW_CMD_MAX + 1];
	sarafw_cmdbuf b;
	sarafw_net_urc u;
	int rc;
	if (!dev || !file || !file[0])
		return SARAFW_EINVAL;
	if (!ftp_supported(dev))
		return SARAFW_ENOTSUP;
	sarafw_cmdbuf_init(&b, cmd, sizeof cmd);
	sarafw_cmdbuf_str(&b, "AT+UFTPC=100,");
	sarafw_cmdbuf_quoted(&b, file);
	sarafw_cmdbuf_str(&b, ",0");
	if (b.overflow)
		return SARAFW_EINVAL;
	rc = sarafw_cmd(dev, cmd, NULL, FTP_CANCEL_MS, NULL, NULL);
	if (rc)
		return rc;
	/* note §3.2: wait for +UUFTPCR: 100,0 before a new session */
	rc = ftp_result(dev, 100, max_ms ? max_ms : FTP_CANCEL_MS, &u, NULL);
	if (rc)
		return rc;
	return u.ok ? SARAFW_EPROTO : SARAFW_OK;
}

int sarafw_ftp_download(sarafw_dev *dev, const sarafw_ftp_config *cfg, sarafw_net_result *res)
{
	char cmd[SARAFW_CMD_MAX + 1];
	sarafw_cmdbuf b;
	sarafw_net_urc u;
	login l = { .result = -1 };
	int rc;
	if (!dev || !cfg || !res)
		return SARAFW_EINVAL;
	res_init(res);
	if (!cfg->server || !cfg->server[0] || !cfg->user || !cfg->password || !cfg->file || !cfg->file[0] ||
	    (cfg->md5 && sarafw_str_len(cfg->md5) != SARAFW_NET_MD5_LEN))
		return SARAFW_EINVAL;
	if (!ftp_supported(dev))
		return SARAFW_ENOTSUP;
	/* the profile (note §3.1, §3.4) */
	if ((rc = set_str(dev, "AT+UFTP=", 1, cfg->server)) != SARAFW_OK ||
	    (cfg->port && (rc = set_num(dev, "AT+UFTP=", 7, cfg->port)) != SARAFW_OK) ||
	    (rc = set_str(dev, "AT+UFTP=", 2, cfg->user)) != SARAFW_OK ||
	    (rc = set_str(dev, "AT+UFTP=", 3, cfg->password)) != SARAFW_OK ||
	    (cfg->account && (rc = set_str(dev, "AT+UFTP=", 4, cfg->account)) != SARAFW_OK) ||
	    (rc = set_num(dev, "AT+UFTP=", 6, 1)) != SARAFW_OK)
		return rc;
	/* login */
	rc = sarafw_cmd(dev, "AT+UFTPC=1", "+UUFTPCR", FTP_LOGIN_MS, login_line, &l);
	if (rc)
		return rc;
	if (l.result < 0) {
		rc = ftp_result(dev, 1, FTP_LOGIN_MS, &u, NULL);
		if (rc)
			return rc;
		l.result = u.ok;
	}
	if (l.result != 1) {
		SARAFW_NOTE(dev, "FTP login failed");
		ftp_error(dev, res);
		return SARAFW_EERROR;
	}
	/* the download (note §3.2) */
	sarafw_cmdbuf_init(&b, cmd, sizeof cmd);
	sarafw_cmdbuf_str(&b, "AT+UFTPC=100,");
	sarafw_cmdbuf_quoted(&b, cfg->file);
	if (cfg->resume)
		sarafw_cmdbuf_str(&b, ",1");
	if (b.overflow)
		return SARAFW_EINVAL;
	rc = sarafw_cmd(dev, cmd, NULL, FTP_START_MS, NULL, NULL);
	if (rc) {
		if (rc == SARAFW_EERROR)
			ftp_error(dev, res);
		return rc;
	}
	rc = ftp_result(dev, 100, cfg->max_ms ? cfg->max_ms : NET_DOWNLOAD_MS, &u, cfg);
	if (rc)
		return rc;
	if (!u.ok) {
		ftp_error(dev, res);
		return SARAFW_EERROR;
	}
	if (u.has_md5)
		memcpy(res->md5, u.md5, sizeof res->md5);
	if (cfg->md5 && u.has_md5 && md5_differs(cfg->md5, u.md5)) {
		SARAFW_NOTE(dev, "the module's MD5 differs from the expected one");
		return SARAFW_EPROTO;
	}
	return SARAFW_OK;
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

static void http_error(sarafw_dev *dev, uint8_t p, sarafw_net_result *res)
{
	char line[64];
	char cmd[16] = "AT+UHTTPER=";
	int profile;
	cmd[11] = (char)('0' + p);
	cmd[12] = '\0';
	if (sarafw_cmd_get(dev, cmd, "+UHTTPER", NET_CMD_MS, line + 10, sizeof line - 10) != SARAFW_OK)
		return;
	memcpy(line, "+UHTTPER: ", 10);
	(void)sarafw_uhttper_parse(line, &profile, &res->err_class, &res->err_code);
}

int sarafw_http_download(sarafw_dev *dev, const sarafw_http_config *cfg, sarafw_net_result *res)
{
	char cmd[SARAFW_CMD_MAX + 1];
	char line[128];
	char pre[16] = "AT+UHTTP=";
	sarafw_cmdbuf b;
	sarafw_net_urc u;
	uint32_t start, max;
	int rc;
	if (!dev || !cfg || !res)
		return SARAFW_EINVAL;
	res_init(res);
	if (cfg->profile > 3 || !cfg->server || !cfg->server[0] || !cfg->path || cfg->path[0] != '/' ||
	    (cfg->user && !cfg->password) || (cfg->md5 && sarafw_str_len(cfg->md5) != SARAFW_NET_MD5_LEN))
		return SARAFW_EINVAL;
	if (!dev->variant || !(dev->variant->methods & SARAFW_METHOD_HTTP))
		return SARAFW_ENOTSUP;
	pre[9] = (char)('0' + cfg->profile);
	pre[10] = '\0';
	/* AT+UHTTP=<p>: the profile from its defaults (AT-FACTS.md "HTTP") */
	if ((rc = sarafw_cmd(dev, pre, NULL, NET_CMD_MS, NULL, NULL)) != SARAFW_OK)
		return rc;
	pre[10] = ',';
	pre[11] = '\0';
	if ((rc = set_str(dev, pre, 1, cfg->server)) != SARAFW_OK ||
	    (cfg->port && (rc = set_num(dev, pre, 5, cfg->port)) != SARAFW_OK) ||
	    (cfg->secure && (rc = set_num(dev, pre, 6, 1)) != SARAFW_OK))
		return rc;
	if (cfg->user && ((rc = set_str(dev, pre, 2, cfg->user)) != SARAFW_OK ||
			  (rc = set_str(dev, pre, 3, cfg->password)) != SARAFW_OK ||
			  (rc = set_num(dev, pre, 4, 1)) != SARAFW_OK))
		return rc;
	sarafw_cmdbuf_init(&b, cmd, sizeof cmd);
	sarafw_cmdbuf_str(&b, "AT+UHTTPC=");
	sarafw_cmdbuf_u32(&b, cfg->profile);
	sarafw_cmdbuf_str(&b, ",100,");
	sarafw_cmdbuf_quoted(&b, cfg->path);
	if (b.overflow)
		return SARAFW_EINVAL;
	rc = sarafw_cmd(dev, cmd, NULL, NET_CMD_MS, NULL, NULL);
	if (rc) {
		if (rc == SARAFW_EERROR)
			http_error(dev, cfg->profile, res);
		return rc;
	}
	start = now_ms(dev);
	max = cfg->max_ms ? cfg->max_ms : NET_DOWNLOAD_MS;
	for (;;) {
		uint32_t spent = now_ms(dev) - start;
		if (spent >= max)
			return SARAFW_ETIMEOUT;
		rc = wait_line(dev, "+UUHTTPCR:", max - spent, line, sizeof line);
		if (rc)
			return rc;
		if (sarafw_uuhttpcr_parse(line, &u) == SARAFW_OK && u.profile == cfg->profile && u.op == 100)
			break;
	}
	res->http_status = u.http_status;
	if (!u.ok) {
		http_error(dev, cfg->profile, res);
		return SARAFW_EERROR;
	}
	if (u.has_md5)
		memcpy(res->md5, u.md5, sizeof res->md5);
	if (cfg->md5 && u.has_md5 && md5_differs(cfg->md5, u.md5)) {
		SARAFW_NOTE(dev, "the module's MD5 differs from the expected one");
		return SARAFW_EPROTO;
	}
	return SARAFW_OK;
}
