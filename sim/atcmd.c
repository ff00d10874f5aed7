#include "atcmd.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void sim_atline_reset(struct sim_atline *l)
{
	l->len = 0;
	l->overflow = false;
	l->buf[0] = '\0';
}

enum sim_atline_ev sim_atline_feed(struct sim_atline *l, uint8_t c)
{
	if (c == '\r') {
		bool over = l->overflow;
		l->buf[l->len] = '\0';
		l->len = 0;
		l->overflow = false;
		return over ? SIM_LINE_TOO_LONG : SIM_LINE_READY;
	}
	if (c == '\n' || c == '\0')
		return SIM_LINE_NONE;
	if (c == '\b') {
		if (l->len && !l->overflow)
			l->len--;
		return SIM_LINE_NONE;
	}
	if (l->len >= SIM_AT_LINE_MAX) {
		l->overflow = true;
		return SIM_LINE_NONE;
	}
	l->buf[l->len++] = (char)c;
	return SIM_LINE_NONE;
}

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static bool parse_num(const char *s, long *out)
{
	char *end;
	long v;
	if (*s == '\0')
		return false;
	if (!(isdigit((unsigned char)*s) || ((*s == '-' || *s == '+') && isdigit((unsigned char)s[1]))))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static char *trim(char *s)
{
	char *e;
	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && e[-1] == ' ')
		*--e = '\0';
	return s;
}

/* Splits "a,"b,c",,3" into arguments; quoted strings may hold commas. */
static enum sim_at_parse_rc parse_args(char *p, struct sim_at_req *req)
{
	req->argc = 0;
	for (;;) {
		struct sim_at_arg *a;
		char *start, *end;
		if (req->argc == SIM_AT_ARGS_MAX)
			return SIM_PARSE_SYNTAX;
		a = &req->argv[req->argc++];
		memset(a, 0, sizeof *a);
		while (*p == ' ')
			p++;
		if (*p == '"') {
			start = ++p;
			end = strchr(p, '"');
			if (!end)
				return SIM_PARSE_SYNTAX;
			*end = '\0';
			a->type = SIM_ARG_STR;
			a->str = start;
			a->len = (size_t)(end - start);
			p = end + 1;
			while (*p == ' ')
				p++;
			if (*p == '\0')
				return SIM_PARSE_OK;
			if (*p != ',')
				return SIM_PARSE_SYNTAX;
			p++;
			continue;
		}
		start = p;
		end = strchr(p, ',');
		if (end)
			*end = '\0';
		start = trim(start);
		if (*start == '\0') {
			a->type = SIM_ARG_EMPTY;
		} else if (parse_num(start, &a->num)) {
			a->type = SIM_ARG_NUM;
		} else {
			return SIM_PARSE_SYNTAX;
		}
		if (!end)
			return SIM_PARSE_OK;
		p = end + 1;
	}
}

enum sim_at_parse_rc sim_at_parse(char *line, struct sim_at_req *req)
{
	char *p = line;
	size_t n = 0;
	memset(req, 0, sizeof *req);
	req->basic_num = -1;
	while (p[0] && !(upper((unsigned char)p[0]) == 'A' && upper((unsigned char)p[1]) == 'T'))
		p++;
	if (!p[0])
		return SIM_PARSE_NO_AT;
	p += 2;
	while (*p == ' ')
		p++;
	if (*p == '\0') {
		req->type = SIM_AT_ACTION; /* bare AT */
		return SIM_PARSE_OK;
	}
	if (*p == '+' || *p == '&') {
		req->name[n++] = *p++;
		while (isalnum((unsigned char)*p)) {
			if (n + 1 >= sizeof req->name)
				return SIM_PARSE_SYNTAX;
			req->name[n++] = (char)upper((unsigned char)*p++);
		}
		req->name[n] = '\0';
		if (n == 1)
			return SIM_PARSE_SYNTAX;
		if (*p == '\0') {
			req->type = SIM_AT_ACTION;
			return SIM_PARSE_OK;
		}
		if (p[0] == '?' && p[1] == '\0') {
			req->type = SIM_AT_READ;
			return SIM_PARSE_OK;
		}
		if (p[0] == '=' && p[1] == '?' && p[2] == '\0') {
			req->type = SIM_AT_TEST;
			return SIM_PARSE_OK;
		}
		if (p[0] != '=')
			return SIM_PARSE_SYNTAX;
		req->type = SIM_AT_SET;
		if (p[1] == '{') { /* a JSON object, whole (+ULWM2MWRITE, note §2.5.1) */
			req->argc = 1;
			req->argv[0].type = SIM_ARG_STR;
			req->argv[0].str = p + 1;
			req->argv[0].len = strlen(p + 1);
			return SIM_PARSE_OK;
		}
		return parse_args(p + 1, req);
	}
	if (!isalpha((unsigned char)*p))
		return SIM_PARSE_SYNTAX;
	/* basic command: one letter and an optional number, e.g. E0, I9 */
	req->name[0] = (char)upper((unsigned char)*p++);
	req->name[1] = '\0';
	req->type = SIM_AT_ACTION;
	if (*p == '\0')
		return SIM_PARSE_OK;
	if (!parse_num(trim(p), &req->basic_num) || req->basic_num < 0)
		return SIM_PARSE_SYNTAX;
	return SIM_PARSE_OK;
}
