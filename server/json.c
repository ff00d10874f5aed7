/* JSON for sarafw-server (json.h). */
#include <stdio.h>
#include <string.h>

#include "json.h"

typedef struct jp {
	json_doc *d;
	const char *s;
	size_t len, i;
} jp;

static void ws(jp *p)
{
	while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static int hex4(const char *s, unsigned *v)
{
	*v = 0;
	for (int k = 0; k < 4; k++) {
		char c = s[k];
		int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (h < 0)
			return -1;
		*v = *v << 4 | (unsigned)h;
	}
	return 0;
}

static int new_tok(jp *p, json_type t)
{
	if (p->d->n == p->d->cap)
		return -1;
	int k = (int)p->d->n++;
	p->d->tok[k] = (json_tok){.type = t, .start = (uint32_t)p->i};
	return k;
}

static int value(jp *p, int depth);

static int string(jp *p)
{
	/* at the opening quote */
	p->i++;
	int k = new_tok(p, JSON_STRING);
	if (k < 0)
		return -1;
	p->d->tok[k].start = (uint32_t)p->i;
	while (p->i < p->len) {
		unsigned char c = (unsigned char)p->s[p->i];
		if (c == '"') {
			p->d->tok[k].end = (uint32_t)p->i++;
			p->d->tok[k].next = p->d->n;
			return k;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (++p->i >= p->len)
				return -1;
			char e = p->s[p->i];
			if (e == 'u') {
				unsigned v;
				if (p->len - p->i < 5 || hex4(p->s + p->i + 1, &v) < 0)
					return -1;
				p->i += 4;
			} else if (!strchr("\"\\/bfnrt", e) || !e) {
				return -1;
			}
		}
		p->i++;
	}
	return -1;
}

static int number(jp *p)
{
	int k = new_tok(p, JSON_NUMBER);
	if (k < 0)
		return -1;
	size_t i = p->i;
	if (i < p->len && p->s[i] == '-')
		i++;
	if (i >= p->len)
		return -1;
	if (p->s[i] == '0')
		i++;
	else if (p->s[i] >= '1' && p->s[i] <= '9')
		while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
			i++;
	else
		return -1;
	if (i < p->len && p->s[i] == '.') {
		size_t st = ++i;
		while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
			i++;
		if (i == st)
			return -1;
	}
	if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
		i++;
		if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
			i++;
		size_t st = i;
		while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
			i++;
		if (i == st)
			return -1;
	}
	p->i = i;
	p->d->tok[k].end = (uint32_t)i;
	p->d->tok[k].next = p->d->n;
	return k;
}

static int literal(jp *p, const char *word, json_type t)
{
	size_t n = strlen(word);
	if (p->len - p->i < n || memcmp(p->s + p->i, word, n))
		return -1;
	int k = new_tok(p, t);
	if (k < 0)
		return -1;
	p->i += n;
	p->d->tok[k].end = (uint32_t)p->i;
	p->d->tok[k].next = p->d->n;
	return k;
}

static int container(jp *p, int depth, bool obj)
{
	if (depth >= JSON_DEPTH_MAX)
		return -1;
	int k = new_tok(p, obj ? JSON_OBJECT : JSON_ARRAY);
	if (k < 0)
		return -1;
	p->i++;
	ws(p);
	char close = obj ? '}' : ']';
	if (p->i < p->len && p->s[p->i] == close) {
		p->i++;
		goto done;
	}
	for (;;) {
		ws(p);
		if (obj) {
			if (p->i >= p->len || p->s[p->i] != '"' || string(p) < 0)
				return -1;
			ws(p);
			if (p->i >= p->len || p->s[p->i] != ':')
				return -1;
			p->i++;
			ws(p);
		}
		if (value(p, depth + 1) < 0)
			return -1;
		p->d->tok[k].size++;
		ws(p);
		if (p->i >= p->len)
			return -1;
		if (p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->s[p->i] != close)
			return -1;
		p->i++;
		break;
	}
done:
	p->d->tok[k].end = (uint32_t)p->i;
	p->d->tok[k].next = p->d->n;
	return k;
}

static int value(jp *p, int depth)
{
	ws(p);
	if (p->i >= p->len)
		return -1;
	switch (p->s[p->i]) {
	case '{':
		return container(p, depth, true);
	case '[':
		return container(p, depth, false);
	case '"':
		return string(p);
	case 't':
		return literal(p, "true", JSON_TRUE);
	case 'f':
		return literal(p, "false", JSON_FALSE);
	case 'n':
		return literal(p, "null", JSON_NULL);
	default:
		return number(p);
	}
}

int json_parse(json_doc *doc, const char *text, size_t len, json_tok *tok, unsigned cap)
{
	*doc = (json_doc){.text = text, .tok = tok, .cap = cap};
	if (len > UINT32_MAX - 1)
		return -1;
	jp p = {.d = doc, .s = text, .len = len};
	if (value(&p, 0) < 0)
		return -1;
	ws(&p);
	return p.i == len ? 0 : -1;
}

int json_get(const json_doc *doc, int obj, const char *key)
{
	if (obj < 0 || (unsigned)obj >= doc->n || doc->tok[obj].type != JSON_OBJECT)
		return -1;
	size_t kl = strlen(key);
	unsigned t = (unsigned)obj + 1;
	for (uint32_t m = 0; m < doc->tok[obj].size; m++) {
		const json_tok *k = &doc->tok[t];
		unsigned v = t + 1;
		/* compare raw: keys we look up never need escapes */
		if (k->end - k->start == kl && !memcmp(doc->text + k->start, key, kl))
			return (int)v;
		t = doc->tok[v].next;
	}
	return -1;
}

int json_elem(const json_doc *doc, int arr, unsigned i)
{
	if (arr < 0 || (unsigned)arr >= doc->n || doc->tok[arr].type != JSON_ARRAY || i >= doc->tok[arr].size)
		return -1;
	unsigned t = (unsigned)arr + 1;
	while (i--)
		t = doc->tok[t].next;
	return (int)t;
}

static int str_into(const json_doc *doc, int t, char *buf, size_t cap);

int json_str(const json_doc *doc, int t, char *buf, size_t cap)
{
	if (cap == 0)
		return -1;
	if (str_into(doc, t, buf, cap) < 0) {
		buf[0] = 0; /* never a half-written string */
		return -1;
	}
	return 0;
}

static int str_into(const json_doc *doc, int t, char *buf, size_t cap)
{
	if (t < 0 || (unsigned)t >= doc->n || doc->tok[t].type != JSON_STRING)
		return -1;
	const char *s = doc->text + doc->tok[t].start, *e = doc->text + doc->tok[t].end;
	size_t n = 0;
	while (s < e) {
		unsigned c = (unsigned char)*s++;
		if (c == '\\') {
			char x = *s++;
			switch (x) {
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				unsigned v;
				hex4(s, &v);
				s += 4;
				if (v == 0 || v >= 0xd800)
					return -1; /* NUL and surrogates: not in the fields we read */
				char u[3];
				size_t un;
				if (v < 0x80)
					u[0] = (char)v, un = 1;
				else if (v < 0x800)
					u[0] = (char)(0xc0 | v >> 6), u[1] = (char)(0x80 | (v & 0x3f)), un = 2;
				else
					u[0] = (char)(0xe0 | v >> 12), u[1] = (char)(0x80 | ((v >> 6) & 0x3f)),
					u[2] = (char)(0x80 | (v & 0x3f)), un = 3;
				if (n + un >= cap)
					return -1;
				memcpy(buf + n, u, un);
				n += un;
				continue;
			}
			default: c = (unsigned char)x; break;
			}
		}
		if (n + 1 >= cap)
			return -1;
		buf[n++] = (char)c;
	}
	buf[n] = 0;
	return 0;
}

int json_int(const json_doc *doc, int t, int64_t *v)
{
	if (t < 0 || (unsigned)t >= doc->n || doc->tok[t].type != JSON_NUMBER)
		return -1;
	const char *s = doc->text + doc->tok[t].start, *e = doc->text + doc->tok[t].end;
	bool neg = s < e && *s == '-';
	if (neg)
		s++;
	uint64_t a = 0;
	if (s == e)
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (a > (UINT64_MAX - 9) / 10)
			return -1;
		a = a * 10 + (uint64_t)(*s - '0');
	}
	if (a > (uint64_t)INT64_MAX)
		return -1;
	*v = neg ? -(int64_t)a : (int64_t)a;
	return 0;
}

void jw_raw(bytes *b, const char *s)
{
	bytes_put(b, s, strlen(s));
}

void jw_str(bytes *b, const char *s)
{
	bytes_put(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\', esc[1] = (char)c;
			bytes_put(b, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof esc, "\\u%04x", c);
			bytes_put(b, esc, 6);
		} else {
			bytes_put(b, s, 1);
		}
	}
	bytes_put(b, "\"", 1);
}

void jw_int(bytes *b, int64_t v)
{
	char n[24];
	snprintf(n, sizeof n, "%lld", (long long)v);
	jw_raw(b, n);
}

static void key(bytes *b, bool *first, const char *k)
{
	if (!*first)
		bytes_put(b, ",", 1);
	*first = false;
	jw_str(b, k);
	bytes_put(b, ":", 1);
}

void jw_kv_str(bytes *b, bool *first, const char *k, const char *v)
{
	key(b, first, k);
	jw_str(b, v);
}

void jw_kv_int(bytes *b, bool *first, const char *k, int64_t v)
{
	key(b, first, k);
	jw_int(b, v);
}

void jw_kv_bool(bytes *b, bool *first, const char *k, bool v)
{
	key(b, first, k);
	jw_raw(b, v ? "true" : "false");
}
