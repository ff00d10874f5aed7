/* Firehose XML subset: parse, split a stream, build (firehose.h). */
#include "firehose.h"

#include <stdio.h>
#include <string.h>

static const char END_TAG[] = "</data>";
#define END_LEN (sizeof END_TAG - 1)

/* A cursor over one document. */
struct cur {
	const char *p, *end;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static void skip_blanks(struct cur *c)
{
	while (c->p < c->end && is_blank(*c->p))
		c->p++;
}

static bool starts(const struct cur *c, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(c->end - c->p) >= n && memcmp(c->p, s, n) == 0;
}

/* Skip from the current position past the first occurrence of s. */
static bool skip_past(struct cur *c, const char *s)
{
	size_t n = strlen(s);
	for (; (size_t)(c->end - c->p) >= n; c->p++)
		if (memcmp(c->p, s, n) == 0) {
			c->p += n;
			return true;
		}
	return false;
}

/* Blanks and comments. */
static bool skip_misc(struct cur *c)
{
	for (;;) {
		skip_blanks(c);
		if (!starts(c, "<!--"))
			return true;
		c->p += 4;
		if (!skip_past(c, "-->"))
			return false;
	}
}

/* An XML name into out (cap bytes with the NUL). */
static int read_name(struct cur *c, char *out, size_t cap)
{
	size_t n = 0;
	if (c->p >= c->end || !name_start(*c->p))
		return FH_E_SYNTAX;
	while (c->p < c->end && name_char(*c->p)) {
		if (n + 1 >= cap)
			return FH_E_TOOLONG;
		out[n++] = *c->p++;
	}
	out[n] = '\0';
	return 0;
}

/* Append code point cp as UTF-8. */
static int put_utf8(char *out, size_t cap, size_t *n, uint32_t cp)
{
	uint8_t b[4];
	size_t k;
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return FH_E_SYNTAX;
	if (cp < 0x80) {
		b[0] = (uint8_t)cp, k = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xc0 | cp >> 6), b[1] = (uint8_t)(0x80 | (cp & 0x3f)), k = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xe0 | cp >> 12), b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (uint8_t)(0x80 | (cp & 0x3f)), k = 3;
	} else {
		b[0] = (uint8_t)(0xf0 | cp >> 18), b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f)), b[3] = (uint8_t)(0x80 | (cp & 0x3f)), k = 4;
	}
	if (*n + k >= cap)
		return FH_E_TOOLONG;
	memcpy(out + *n, b, k);
	*n += k;
	return 0;
}

static const struct {
	const char *name;
	char c;
} entities[] = {
	{ .name = "lt;", .c = '<' },   { .name = "gt;", .c = '>' },     { .name = "amp;", .c = '&' },
	{ .name = "quot;", .c = '"' }, { .name = "apos;", .c = '\'' },
};

/* "&..." at c->p (past the '&'), appended to out. */
static int read_entity(struct cur *c, char *out, size_t cap, size_t *n)
{
	for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++)
		if (starts(c, entities[i].name)) {
			c->p += strlen(entities[i].name);
			return put_utf8(out, cap, n, (uint8_t)entities[i].c);
		}
	if (c->p >= c->end || *c->p != '#')
		return FH_E_SYNTAX;
	c->p++;
	bool hex = c->p < c->end && *c->p == 'x';
	if (hex)
		c->p++;
	uint32_t cp = 0;
	int digits = 0;
	for (; c->p < c->end && *c->p != ';'; c->p++, digits++) {
		char d = *c->p;
		int v;
		if (d >= '0' && d <= '9')
			v = d - '0';
		else if (hex && d >= 'a' && d <= 'f')
			v = d - 'a' + 10;
		else if (hex && d >= 'A' && d <= 'F')
			v = d - 'A' + 10;
		else
			return FH_E_SYNTAX;
		if (digits >= 8)
			return FH_E_SYNTAX;
		cp = cp * (hex ? 16u : 10u) + (uint32_t)v;
	}
	if (c->p >= c->end || digits == 0)
		return FH_E_SYNTAX;
	c->p++; /* ';' */
	return put_utf8(out, cap, n, cp);
}

/* A quoted attribute value, decoded into out. */
static int read_value(struct cur *c, char *out, size_t cap, size_t *len)
{
	size_t n = 0;
	if (c->p >= c->end || (*c->p != '"' && *c->p != '\''))
		return FH_E_SYNTAX;
	char q = *c->p++;
	for (;;) {
		if (c->p >= c->end)
			return FH_E_SYNTAX;
		char ch = *c->p++;
		if (ch == q)
			break;
		if (ch == '<' || ch == '\0')
			return FH_E_SYNTAX;
		if (ch == '&') {
			int rc = read_entity(c, out, cap, &n);
			if (rc)
				return rc;
			continue;
		}
		if (n + 1 >= cap)
			return FH_E_TOOLONG;
		out[n++] = ch;
	}
	out[n] = '\0';
	*len = n;
	return 0;
}

/* The element inside <data>. */
static int read_element(struct cur *c, struct fh_doc *doc)
{
	size_t used = 0;
	int rc;
	if (c->p >= c->end || *c->p != '<')
		return FH_E_SYNTAX;
	c->p++;
	if ((rc = read_name(c, doc->tag, sizeof doc->tag)))
		return rc;
	for (;;) {
		const char *before = c->p;
		skip_blanks(c);
		if (c->p >= c->end)
			return FH_E_SYNTAX;
		if (*c->p == '/') {
			if (!starts(c, "/>"))
				return FH_E_SYNTAX;
			c->p += 2;
			return 0;
		}
		if (*c->p == '>') {
			/* <x ...></x>: no content */
			char close[FH_TAG_MAX];
			c->p++;
			skip_blanks(c);
			if (!starts(c, "</"))
				return FH_E_SYNTAX;
			c->p += 2;
			if ((rc = read_name(c, close, sizeof close)))
				return rc == FH_E_TOOLONG ? FH_E_SYNTAX : rc;
			if (strcmp(close, doc->tag) != 0)
				return FH_E_SYNTAX;
			skip_blanks(c);
			if (c->p >= c->end || *c->p != '>')
				return FH_E_SYNTAX;
			c->p++;
			return 0;
		}
		if (c->p == before) /* attributes need a blank before them */
			return FH_E_SYNTAX;
		if (doc->n_attr >= FH_ATTR_MAX)
			return FH_E_TOOLONG;
		if (used >= sizeof doc->pool)
			return FH_E_TOOLONG;
		char *name = doc->pool + used;
		if ((rc = read_name(c, name, sizeof doc->pool - used)))
			return rc;
		size_t nlen = strlen(name);
		for (unsigned i = 0; i < doc->n_attr; i++)
			if (strcmp(doc->attr[i].name, name) == 0)
				return FH_E_SYNTAX; /* XML forbids a repeated attribute */
		used += nlen + 1;
		skip_blanks(c);
		if (c->p >= c->end || *c->p != '=')
			return FH_E_SYNTAX;
		c->p++;
		skip_blanks(c);
		char *value = doc->pool + used;
		size_t vlen;
		if (used >= sizeof doc->pool)
			return FH_E_TOOLONG;
		if ((rc = read_value(c, value, sizeof doc->pool - used, &vlen)))
			return rc;
		used += vlen + 1;
		doc->attr[doc->n_attr].name = name;
		doc->attr[doc->n_attr].value = value;
		doc->n_attr++;
	}
}

static int parse(const char *s, size_t n, struct fh_doc *doc)
{
	struct cur c = { .p = s, .end = s + n };
	int rc;
	if (n > FH_DOC_MAX)
		return FH_E_TOOLONG;
	skip_blanks(&c);
	if (starts(&c, "<?xml")) {
		c.p += 5;
		if (c.p >= c.end || !is_blank(*c.p) || !skip_past(&c, "?>"))
			return FH_E_SYNTAX;
	}
	if (!skip_misc(&c) || !starts(&c, "<data"))
		return FH_E_SYNTAX;
	c.p += 5;
	skip_blanks(&c);
	if (c.p >= c.end || *c.p != '>')
		return FH_E_SYNTAX;
	c.p++;
	if (!skip_misc(&c))
		return FH_E_SYNTAX;
	if (starts(&c, "</"))
		return FH_E_SYNTAX; /* <data></data>: no command */
	if ((rc = read_element(&c, doc)))
		return rc;
	if (!skip_misc(&c) || !starts(&c, END_TAG))
		return FH_E_SYNTAX; /* one element a document */
	c.p += END_LEN;
	skip_blanks(&c);
	return c.p == c.end ? FH_DOC : FH_E_SYNTAX;
}

int fh_parse(const char *s, size_t n, struct fh_doc *doc)
{
	doc->tag[0] = '\0';
	doc->n_attr = 0;
	int rc = parse(s, n, doc);
	if (rc != FH_DOC) {
		doc->tag[0] = '\0';
		doc->n_attr = 0;
	}
	return rc;
}

const char *fh_doc_get(const struct fh_doc *doc, const char *name)
{
	for (unsigned i = 0; i < doc->n_attr; i++)
		if (strcmp(doc->attr[i].name, name) == 0)
			return doc->attr[i].value;
	return NULL;
}

int fh_doc_u64(const struct fh_doc *doc, const char *name, uint64_t *v)
{
	const char *s = fh_doc_get(doc, name);
	uint64_t x = 0;
	if (!s)
		return FH_E_MISSING;
	if (!*s)
		return FH_E_NUMBER;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return FH_E_NUMBER;
		unsigned d = (unsigned)(*s - '0');
		if (x > (UINT64_MAX - d) / 10)
			return FH_E_NUMBER;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

void fh_reader_init(struct fh_reader *r)
{
	r->len = 0;
	r->match = 0;
	r->overflow = false;
}

size_t fh_reader_feed(struct fh_reader *r, const uint8_t *in, size_t n, struct fh_doc *doc, int *res)
{
	for (size_t i = 0; i < n; i++) {
		char ch = (char)in[i];
		if (r->len == 0 && !r->overflow && is_blank(ch))
			continue; /* between documents */
		if (ch == END_TAG[r->match])
			r->match++;
		else
			r->match = ch == END_TAG[0] ? 1 : 0; /* "</data>" has one '<' */
		if (!r->overflow) {
			if (r->len < sizeof r->buf)
				r->buf[r->len++] = ch;
			else
				r->overflow = true;
		}
		if (r->match == END_LEN) {
			if (r->overflow) {
				doc->tag[0] = '\0';
				doc->n_attr = 0;
				*res = FH_E_TOOLONG;
			} else {
				*res = fh_parse(r->buf, r->len, doc);
			}
			fh_reader_init(r);
			return i + 1;
		}
	}
	*res = FH_NEED;
	return n;
}

static void put(struct fh_writer *w, const char *s, size_t n)
{
	if (w->err)
		return;
	if (w->len + n >= w->cap) {
		w->err = FH_E_SPACE;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void puts_(struct fh_writer *w, const char *s)
{
	put(w, s, strlen(s));
}

static bool valid_name(const char *s)
{
	if (!name_start(*s))
		return false;
	while (*++s)
		if (!name_char(*s))
			return false;
	return true;
}

void fh_begin(struct fh_writer *w, char *buf, size_t cap, const char *tag)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->err = cap ? 0 : FH_E_SPACE;
	if (cap)
		buf[0] = '\0';
	if (!valid_name(tag) || strlen(tag) >= FH_TAG_MAX)
		w->err = FH_E_SYNTAX;
	puts_(w, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data><");
	puts_(w, tag);
}

void fh_attr(struct fh_writer *w, const char *name, const char *value)
{
	if (!w->err && !valid_name(name))
		w->err = FH_E_SYNTAX;
	puts_(w, " ");
	puts_(w, name);
	puts_(w, "=\"");
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		char e[8];
		switch (*p) {
		case '&': puts_(w, "&amp;"); break;
		case '<': puts_(w, "&lt;"); break;
		case '>': puts_(w, "&gt;"); break;
		case '"': puts_(w, "&quot;"); break;
		default:
			if (*p < 0x20) {
				snprintf(e, sizeof e, "&#%u;", *p);
				puts_(w, e);
			} else {
				put(w, (const char *)p, 1);
			}
		}
	}
	puts_(w, "\"");
}

void fh_attr_u64(struct fh_writer *w, const char *name, uint64_t v)
{
	char s[24];
	snprintf(s, sizeof s, "%llu", (unsigned long long)v);
	fh_attr(w, name, s);
}

int fh_end(struct fh_writer *w)
{
	puts_(w, " /></data>");
	return w->err ? w->err : (int)w->len;
}

int fh_response(char *buf, size_t cap, bool ack, bool rawmode)
{
	struct fh_writer w;
	fh_begin(&w, buf, cap, "response");
	fh_attr(&w, "value", ack ? "ACK" : "NAK");
	if (rawmode)
		fh_attr(&w, "rawmode", "true");
	return fh_end(&w);
}

int fh_log(char *buf, size_t cap, const char *text)
{
	struct fh_writer w;
	fh_begin(&w, buf, cap, "log");
	fh_attr(&w, "value", text);
	return fh_end(&w);
}
