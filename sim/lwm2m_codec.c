/* LwM2M paths, TLV and the JSON form (lwm2m_codec.h). */
#include "lwm2m_codec.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int lw_path_parse(const char *s, size_t n, struct lw_path *p)
{
	size_t i = 0;
	p->depth = 0;
	if (i < n && s[i] == '/')
		i++;
	while (i < n) {
		long v = 0;
		size_t start = i;
		while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 6)
			v = v * 10 + (s[i++] - '0');
		if (i == start || v > LW_ID_MAX || p->depth == 3)
			return -1;
		p->id[p->depth++] = (uint16_t)v;
		if (i < n && s[i] != '/')
			return -1;
		if (i < n)
			i++; /* the '/'; a trailing one ends the path */
	}
	return 0;
}

void lw_path_format(const struct lw_path *p, char *out, size_t cap)
{
	size_t k = 0;
	if (cap == 0)
		return;
	out[0] = '\0';
	if (p->depth == 0) {
		snprintf(out, cap, "/");
		return;
	}
	for (int i = 0; i < p->depth && k < cap; i++) {
		int w = snprintf(out + k, cap - k, "/%u", p->id[i]);
		if (w < 0)
			return;
		k += (size_t)w;
	}
}

size_t lw_tlv_put(uint8_t *buf, size_t cap, enum lw_tlv_kind kind, uint16_t id, const void *value,
		  size_t len)
{
	uint8_t h[6];
	size_t k = 1;
	h[0] = (uint8_t)(kind << 6);
	if (id > 255) {
		h[0] |= 0x20;
		h[k++] = (uint8_t)(id >> 8);
	}
	h[k++] = (uint8_t)id;
	if (len < 8) {
		h[0] |= (uint8_t)len;
	} else if (len < 0x100) {
		h[0] |= 0x08;
		h[k++] = (uint8_t)len;
	} else if (len < 0x10000) {
		h[0] |= 0x10;
		h[k++] = (uint8_t)(len >> 8);
		h[k++] = (uint8_t)len;
	} else if (len < 0x1000000) {
		h[0] |= 0x18;
		h[k++] = (uint8_t)(len >> 16);
		h[k++] = (uint8_t)(len >> 8);
		h[k++] = (uint8_t)len;
	} else {
		return 0;
	}
	if (k + len > cap)
		return 0;
	memcpy(buf, h, k);
	if (len)
		memcpy(buf + k, value, len);
	return k + len;
}

long lw_tlv_get(const uint8_t *p, size_t n, struct lw_tlv *t)
{
	size_t k = 1, len;
	if (n < 2)
		return -1;
	t->kind = (enum lw_tlv_kind)(p[0] >> 6);
	if (p[0] & 0x20) {
		if (n < 3)
			return -1;
		t->id = (uint16_t)(p[1] << 8 | p[2]);
		k = 3;
	} else {
		t->id = p[1];
		k = 2;
	}
	unsigned lt = (p[0] >> 3) & 3;
	if (lt == 0) {
		len = p[0] & 7;
	} else {
		if (n < k + lt)
			return -1;
		len = 0;
		for (unsigned i = 0; i < lt; i++)
			len = len << 8 | p[k + i];
		k += lt;
	}
	if (len > n - k)
		return -1;
	t->value = p + k;
	t->len = len;
	return (long)(k + len);
}

size_t lw_tlv_int(int64_t v, uint8_t out[8])
{
	size_t n = v >= INT8_MIN && v <= INT8_MAX	  ? 1
		   : v >= INT16_MIN && v <= INT16_MAX ? 2
		   : v >= INT32_MIN && v <= INT32_MAX ? 4
						      : 8;
	uint64_t u = (uint64_t)v;
	for (size_t i = 0; i < n; i++)
		out[n - 1 - i] = (uint8_t)(u >> (8 * i));
	return n;
}

int lw_tlv_to_int(const uint8_t *p, size_t n, int64_t *v)
{
	uint64_t u;
	if (n != 1 && n != 2 && n != 4 && n != 8)
		return -1;
	u = (p[0] & 0x80) ? UINT64_MAX : 0; /* sign extension */
	for (size_t i = 0; i < n; i++)
		u = u << 8 | p[i];
	*v = (int64_t)u;
	return 0;
}

/* JSON strings here are names, URIs, versions: '"' and '\\' are
 * escaped, control characters are not allowed in. */
static int put_str(char *out, size_t cap, size_t *k, const char *s)
{
	for (; *s; s++) {
		if (*k + 3 > cap)
			return -1;
		if (*s == '"' || *s == '\\')
			out[(*k)++] = '\\';
		out[(*k)++] = *s;
	}
	out[*k] = '\0';
	return 0;
}

static int put(char *out, size_t cap, size_t *k, const char *fmt, const char *s, int64_t v)
{
	int w = s ? snprintf(out + *k, cap - *k, fmt, s) : snprintf(out + *k, cap - *k, fmt, v);
	if (w < 0 || (size_t)w >= cap - *k)
		return -1;
	*k += (size_t)w;
	return 0;
}

int lw_json_format(char *out, size_t cap, const char *bn, const struct lw_json_entry *e, int n)
{
	size_t k = 0;
	if (cap == 0 || put(out, cap, &k, "%s", "{\"bn\":\"", 0) || put_str(out, cap, &k, bn) ||
	    put(out, cap, &k, "%s", "\",\"e\":[", 0))
		return -1;
	/* note §2.5.1: {"n": "1", "v":86400}, {"n": "6", "bv":false}, {"n": "7", "sv": "UQ"} */
	for (int i = 0; i < n; i++) {
		if (put(out, cap, &k, "%s", i ? ", {\"n\": \"" : "{\"n\": \"", 0) ||
		    put_str(out, cap, &k, e[i].n))
			return -1;
		switch (e[i].type) {
		case LW_JSON_NUM:
			if (put(out, cap, &k, "\", \"v\":%" PRId64 "}", NULL, e[i].v))
				return -1;
			break;
		case LW_JSON_BOOL:
			if (put(out, cap, &k, "\", \"bv\":%s}", e[i].bv ? "true" : "false", 0))
				return -1;
			break;
		case LW_JSON_STR:
			if (put(out, cap, &k, "%s", "\", \"sv\": \"", 0) ||
			    put_str(out, cap, &k, e[i].sv) || put(out, cap, &k, "%s", "\"}", 0))
				return -1;
			break;
		}
	}
	return put(out, cap, &k, "%s", "]}", 0);
}

/* A tiny recursive-descent reader for exactly this shape of JSON. */
struct rd {
	const char *s;
	size_t n, i;
};

static void ws(struct rd *r)
{
	while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t' || r->s[r->i] == '\r' ||
			       r->s[r->i] == '\n'))
		r->i++;
}

static bool eat(struct rd *r, char c)
{
	ws(r);
	if (r->i < r->n && r->s[r->i] == c) {
		r->i++;
		return true;
	}
	return false;
}

static int str(struct rd *r, char *out, size_t cap)
{
	size_t k = 0;
	if (!eat(r, '"'))
		return -1;
	while (r->i < r->n && r->s[r->i] != '"') {
		char c = r->s[r->i++];
		if ((unsigned char)c < 0x20)
			return -1;
		if (c == '\\') {
			if (r->i >= r->n)
				return -1;
			c = r->s[r->i++];
			if (c != '"' && c != '\\' && c != '/')
				return -1; /* \n, \uXXXX...: not in these values */
		}
		if (k + 1 >= cap)
			return -1;
		out[k++] = c;
	}
	if (r->i >= r->n)
		return -1;
	r->i++;
	out[k] = '\0';
	return 0;
}

static int num(struct rd *r, int64_t *v)
{
	bool neg = false;
	uint64_t u = 0;
	size_t start;
	ws(r);
	if (r->i < r->n && r->s[r->i] == '-') {
		neg = true;
		r->i++;
	}
	start = r->i;
	while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9') {
		if (u > (uint64_t)INT64_MAX / 10)
			return -1;
		u = u * 10 + (uint64_t)(r->s[r->i++] - '0');
	}
	if (r->i == start || u > (uint64_t)INT64_MAX)
		return -1;
	*v = neg ? -(int64_t)u : (int64_t)u;
	return 0;
}

static int word(struct rd *r, const char *w)
{
	size_t l = strlen(w);
	ws(r);
	if (r->n - r->i < l || memcmp(r->s + r->i, w, l) != 0)
		return -1;
	r->i += l;
	return 0;
}

static int entry(struct rd *r, struct lw_json_entry *e)
{
	char key[4];
	bool have_n = false, have_v = false;
	memset(e, 0, sizeof *e);
	if (!eat(r, '{'))
		return -1;
	do {
		if (str(r, key, sizeof key) || !eat(r, ':'))
			return -1;
		if (strcmp(key, "n") == 0 && !have_n) {
			if (str(r, e->n, sizeof e->n))
				return -1;
			have_n = true;
		} else if (have_v) {
			return -1;
		} else if (strcmp(key, "v") == 0) {
			e->type = LW_JSON_NUM;
			if (num(r, &e->v))
				return -1;
			have_v = true;
		} else if (strcmp(key, "bv") == 0) {
			e->type = LW_JSON_BOOL;
			if (word(r, "true") == 0)
				e->bv = true;
			else if (word(r, "false") != 0)
				return -1;
			have_v = true;
		} else if (strcmp(key, "sv") == 0) {
			e->type = LW_JSON_STR;
			if (str(r, e->sv, sizeof e->sv))
				return -1;
			have_v = true;
		} else {
			return -1;
		}
	} while (eat(r, ','));
	return eat(r, '}') && have_v ? 0 : -1;
}

int lw_json_parse(const char *s, size_t len, char *bn, size_t cap_bn, struct lw_json_entry *e,
		  int max)
{
	struct rd r = {.s = s, .n = len, .i = 0};
	char key[4];
	int count = 0;
	bool have_e = false;
	if (cap_bn == 0)
		return -1;
	bn[0] = '\0';
	if (!eat(&r, '{'))
		return -1;
	do {
		if (str(&r, key, sizeof key) || !eat(&r, ':'))
			return -1;
		if (strcmp(key, "bn") == 0) {
			if (str(&r, bn, cap_bn))
				return -1;
		} else if (strcmp(key, "e") == 0 && !have_e) {
			have_e = true;
			if (!eat(&r, '['))
				return -1;
			if (!eat(&r, ']')) {
				do {
					if (count >= max || entry(&r, &e[count]))
						return -1;
					count++;
				} while (eat(&r, ','));
				if (!eat(&r, ']'))
					return -1;
			}
		} else {
			return -1;
		}
	} while (eat(&r, ','));
	if (!eat(&r, '}') || !have_e)
		return -1;
	ws(&r);
	return r.i == r.n ? count : -1;
}
