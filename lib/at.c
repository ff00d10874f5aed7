/* libsarafw: the AT engine, sans I/O (see include/sarafw/at.h). */
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sarafw/at.h"
#include "sarafw/error.h"
#include "sarafw/port.h"
#include "str.h"

#define AT_BUF_MIN 16

/* Lines of NONE and TIMEOUT events: never NULL, so a caller may log any event. */
static const char at_empty[] = "";

static void ev_clear(sarafw_at_event *ev)
{
	ev->type = SARAFW_AT_EV_NONE;
	ev->final = SARAFW_AT_FINAL_NONE;
	ev->code = -1;
	ev->text = NULL;
	ev->line = at_empty;
	ev->len = 0;
	ev->urc = -1;
	ev->argc = 0;
}

static void copy_trunc(char *dst, size_t size, const char *src)
{
	size_t n = src ? sarafw_str_len(src) : 0;
	if (n > size - 1)
		n = size - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

int sarafw_at_init(sarafw_at *at, const sarafw_at_config *cfg)
{
	if (!at || !cfg || !cfg->buf || cfg->buf_size < AT_BUF_MIN)
		return SARAFW_EINVAL;
	if (cfg->n_urcs && !cfg->urcs)
		return SARAFW_EINVAL;
	/* An empty prefix would swallow every line as a URC. */
	for (size_t i = 0; i < cfg->n_urcs; i++)
		if (!cfg->urcs[i].prefix || !cfg->urcs[i].prefix[0])
			return SARAFW_EINVAL;
	memset(at, 0, sizeof *at);
	at->cfg = *cfg;
	at->cfg.buf[0] = '\0';
	return SARAFW_OK;
}

void sarafw_at_begin(sarafw_at *at, const char *cmd, const char *resp_prefix,
		     bool expect_prompt, uint32_t now_ms, uint32_t timeout_ms)
{
	/* A partly received line (a URC, say) stays in the buffer. */
	copy_trunc(at->cmd, sizeof at->cmd, cmd);
	at->resp_prefix = resp_prefix && resp_prefix[0] ? resp_prefix : NULL;
	at->pending = true;
	at->expect_prompt = expect_prompt;
	at->has_deadline = timeout_ms != 0;
	at->deadline = now_ms + timeout_ms; /* wraps at 2^32, compared wrap-safe */
}

void sarafw_at_reset(sarafw_at *at)
{
	sarafw_at_config cfg = at->cfg;
	sarafw_at_init(at, &cfg);
}

void sarafw_at_deadline(sarafw_at *at, uint32_t now_ms, uint32_t timeout_ms)
{
	at->has_deadline = timeout_ms != 0;
	at->deadline = now_ms + timeout_ms;
}

uint32_t sarafw_at_wait_ms(const sarafw_at *at, uint32_t now_ms)
{
	if (!at->pending || !at->has_deadline)
		return UINT32_MAX;
	return sarafw_time_reached(now_ms, at->deadline) ? 0 : at->deadline - now_ms;
}

void sarafw_at_end(sarafw_at *at)
{
	at->pending = false;
	at->expect_prompt = false;
	at->has_deadline = false;
	at->cmd[0] = '\0';
	at->resp_prefix = NULL;
}

/* Is line the echo of the pending command? The module echoes what it
 * received, so case may differ. A command that filled cmd[] may have been
 * truncated: then the echo only has to start with it. */
static bool is_echo(const sarafw_at *at, const char *line, size_t len)
{
	size_t n = sarafw_str_len(at->cmd);
	if (n == 0 || len < n || (len > n && n < sizeof at->cmd - 1))
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(line[i]) != lower(at->cmd[i]))
			return false;
	return true;
}

/* "+CME ERROR: 10" -> code 10; "+CME ERROR: FOTA memory is in use" (note
 * §7) -> code -1 and text; "+CME ERROR:" alone -> code -1, no text (the
 * command still failed). */
static void error_detail(const char *rest, sarafw_at_event *ev)
{
	long v;
	while (*rest == ' ')
		rest++;
	if (!*rest)
		return;
	if (sarafw_at_int(rest, &v) && v >= 0 && v <= (long)(~0u >> 1) &&
	    rest[0] != '+')
		ev->code = (int)v;
	else
		ev->text = rest;
}

/* Final result codes are reported as FINAL whether or not a command is
 * pending: a stray OK (e.g. the OK after ERROR1, note §5.1.1.3) is left for
 * the blocking layer to ignore. Bare words match the whole line only. */
static bool classify_final(const char *line, sarafw_at_event *ev)
{
	/* The error reports end with ':' and a detail; the rest are whole
	 * lines. */
	static const struct {
		char word[12];
		sarafw_at_final final;
	} words[] = {
		{ "OK", SARAFW_AT_FINAL_OK },
		{ "ERROR", SARAFW_AT_FINAL_ERROR },
		{ "ERROR1", SARAFW_AT_FINAL_ERROR1 }, /* note §5.1.1.3: XMODEM timeout */
		{ "NO CARRIER", SARAFW_AT_FINAL_NO_CARRIER },
		{ "ABORTED", SARAFW_AT_FINAL_ABORTED },
		{ "+CME ERROR:", SARAFW_AT_FINAL_CME },
		{ "+CMS ERROR:", SARAFW_AT_FINAL_CMS },
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		const char *w = words[i].word;
		bool detail = w[0] == '+';
		if (detail ? sarafw_str_starts(line, w) : sarafw_str_eq(line, w)) {
			ev->final = words[i].final;
			if (detail)
				error_detail(line + 11, ev);
			return true;
		}
	}
	return false;
}

/* Split a copy of the line (in the buffer, just after it) into ev->argv. */
static void split_args(sarafw_at *at, sarafw_at_event *ev)
{
	size_t need = at->len + 1;
	char *copy = at->cfg.buf + need;
	char *argv[SARAFW_AT_ARGS_MAX];
	int n;

	if (at->cfg.buf_size - need < need) {
		ev->argc = SARAFW_ENOSPACE;
		return;
	}
	memcpy(copy, at->cfg.buf, need);
	n = sarafw_at_split(copy, argv, SARAFW_AT_ARGS_MAX);
	ev->argc = n;
	for (int i = 0; i < n; i++)
		ev->argv[i] = argv[i];
}

static void classify_line(sarafw_at *at, sarafw_at_event *ev);

static void classify(sarafw_at *at, sarafw_at_event *ev)
{
	classify_line(at, ev);
	if (ev->type == SARAFW_AT_EV_RESPONSE || ev->type == SARAFW_AT_EV_URC ||
	    ev->type == SARAFW_AT_EV_STRAY)
		split_args(at, ev);
}

static void classify_line(sarafw_at *at, sarafw_at_event *ev)
{
	const char *line = at->cfg.buf;

	ev->line = line;
	ev->len = at->len;
	if (classify_final(line, ev)) {
		ev->type = SARAFW_AT_EV_FINAL;
		return;
	}
	if (at->pending && is_echo(at, line, at->len)) {
		/* One echo per command: a later identical line is a response. */
		at->cmd[0] = '\0';
		ev->type = SARAFW_AT_EV_ECHO;
		return;
	}
	if (at->pending && at->resp_prefix && sarafw_str_starts(line, at->resp_prefix)) {
		ev->type = SARAFW_AT_EV_RESPONSE;
		return;
	}
	for (size_t i = 0; i < at->cfg.n_urcs; i++) {
		if (sarafw_str_starts(line, at->cfg.urcs[i].prefix)) {
			ev->type = SARAFW_AT_EV_URC;
			ev->urc = (int)i;
			return;
		}
	}
	ev->type = at->pending ? SARAFW_AT_EV_RESPONSE : SARAFW_AT_EV_STRAY;
}

size_t sarafw_at_parse(sarafw_at *at, const uint8_t *data, size_t len, sarafw_at_event *ev)
{
	char *buf = at->cfg.buf;
	size_t i = 0;

	ev_clear(ev);
	while (i < len) {
		uint8_t c = data[i++];
		bool skip_space = at->skip_space;

		at->skip_space = false;
		/* NUL is dropped: lines are C strings, and the module sends no
		 * NUL in AT text (binary transfers go to other engines). */
		if (c == '\0')
			continue;
		if (c == '\r' || c == '\n') {
			if (at->overflow) {
				at->overflow = false; /* resynchronised */
				continue;
			}
			if (at->len == 0)
				continue; /* empty line: "\r\n" pairs, SARA-R4's bare "\n" */
			buf[at->len] = '\0';
			classify(at, ev);
			at->len = 0;
			/* Take the LF of a CR LF pair if it is already here, so that
			 * after "+UFWUPD: ONGOING\r\n" the next byte handed on is
			 * XMODEM's 'C' (note §5.1.1). A LF in a later chunk is an
			 * empty line, or a stray byte XMODEM ignores. */
			if (c == '\r' && i < len && data[i] == '\n')
				i++;
			return i;
		}
		if (at->overflow)
			continue;
		if (c == ' ' && skip_space)
			continue;
		if (c == '>' && at->expect_prompt && at->len == 0) {
			/* The prompt has no line end; "> " has one space after it. */
			buf[0] = '>';
			buf[1] = '\0';
			ev->type = SARAFW_AT_EV_PROMPT;
			ev->line = buf;
			ev->len = 1;
			at->skip_space = true;
			return i;
		}
		if (at->len == at->cfg.buf_size - 1) {
			/* Report the truncated start, drop the rest up to CR/LF. */
			buf[at->len] = '\0';
			ev->type = SARAFW_AT_EV_OVERFLOW;
			ev->line = buf;
			ev->len = at->len;
			at->len = 0;
			at->overflow = true;
			return i;
		}
		buf[at->len++] = (char)c;
	}
	return i;
}

void sarafw_at_tick(sarafw_at *at, uint32_t now_ms, sarafw_at_event *ev)
{
	ev_clear(ev);
	if (at->pending && at->has_deadline && sarafw_time_reached(now_ms, at->deadline)) {
		at->has_deadline = false; /* report once */
		ev->type = SARAFW_AT_EV_TIMEOUT;
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int sarafw_at_split(char *line, char **argv, int max)
{
	char *p = line;
	int n = 0;

	if (!line || max < 0 || (max > 0 && !argv))
		return SARAFW_EINVAL;
	/* Skip "+PREFIX:"; a ':' inside a quoted parameter does not count. */
	if (line[0] == '+') {
		char *q = line;
		while (*q && *q != ':' && *q != '"')
			q++;
		if (*q == ':')
			p = q + 1;
	}
	while (is_blank(*p))
		p++;
	if (!*p)
		return 0; /* "+X:" or "+X: " */
	for (;;) {
		char *start = p, *end;
		bool quoted = false, last;

		while (*p && (quoted || *p != ',')) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		if (quoted)
			return SARAFW_EPROTO;
		if (n == max)
			return SARAFW_ENOSPACE;
		last = *p == '\0';
		end = p;
		while (start < end && is_blank(*start))
			start++;
		while (end > start && is_blank(end[-1]))
			end--;
		if (end - start >= 2 && *start == '"' && end[-1] == '"') {
			start++;
			end--;
		}
		*end = '\0';
		argv[n++] = start;
		if (last)
			return n;
		p++;
	}
}

bool sarafw_at_int(const char *s, long *out)
{
	const long max = (long)(~0ul >> 1), min = -max - 1;
	bool neg = false;
	long v = 0;

	if (!s || !out)
		return false;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (!*s)
		return false;
	/* Accumulate negatively so that the most negative long fits. */
	for (; *s; s++) {
		int d;
		if (*s < '0' || *s > '9')
			return false;
		d = *s - '0';
		if (v < (min + d) / 10)
			return false;
		v = v * 10 - d;
	}
	if (!neg) {
		if (v < -max)
			return false;
		v = -v;
	}
	*out = v;
	return true;
}
