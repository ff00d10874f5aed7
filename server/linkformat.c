/* Registration parsing for sarafw-server (linkformat.h). */
#include <stdio.h>
#include <string.h>

#include "linkformat.h"

void reg_params_init(reg_params *p)
{
	memset(p, 0, sizeof *p);
	p->lt = -1;
}

static bool printable(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

static int set_text(char *dst, size_t cap, const uint8_t *v, size_t n)
{
	if (dst[0] || n == 0 || n >= cap)
		return -1;
	memcpy(dst, v, n);
	dst[n] = 0;
	return 0;
}

int reg_query_opt(reg_params *p, const uint8_t *opt, size_t len)
{
	if (!printable(opt, len))
		return -1;
	const uint8_t *eq = memchr(opt, '=', len);
	size_t klen = eq ? (size_t)(eq - opt) : len;
	const uint8_t *v = eq ? eq + 1 : opt + len;
	size_t vlen = eq ? len - klen - 1 : 0;
#define KEY(k) (klen == sizeof(k) - 1 && !memcmp(opt, k, klen))
	if (KEY("ep"))
		return set_text(p->ep, sizeof p->ep, v, vlen);
	if (KEY("lwm2m"))
		return set_text(p->lwm2m, sizeof p->lwm2m, v, vlen);
	if (KEY("b")) {
		/* 1.0 binding modes */
		static const char *const modes[] = {"U", "UQ", "S", "SQ", "US", "UQS"};
		for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
			if (strlen(modes[i]) == vlen && !memcmp(modes[i], v, vlen))
				return set_text(p->b, sizeof p->b, v, vlen);
		return -1;
	}
	if (KEY("lt")) {
		if (p->lt >= 0 || vlen == 0 || vlen > 10)
			return -1;
		int64_t n = 0;
		for (size_t i = 0; i < vlen; i++) {
			if (v[i] < '0' || v[i] > '9')
				return -1;
			n = n * 10 + (v[i] - '0');
		}
		if (n < 1 || n > 0xffffffffLL)
			return -1;
		p->lt = n;
		return 0;
	}
	if (KEY("Q")) {
		if (eq || p->queue)
			return -1;
		p->queue = true;
		return 0;
	}
#undef KEY
	return 0; /* sms, other extensions: not used here */
}

/* a path of decimal segments "/a/b" after the root; returns segments or -1 */
static int path_segments(const uint8_t *s, size_t n, long seg[3])
{
	int k = 0;
	size_t i = 0;
	while (i < n) {
		if (s[i] != '/' || k == 3)
			return -1;
		i++;
		size_t st = i;
		long v = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (s[i] - '0');
			if (v > 65535)
				return -1;
			i++;
		}
		if (i == st)
			return -1;
		seg[k++] = v;
	}
	return k;
}

/* skip one link-param value; returns the index after it or 0 on error */
static size_t skip_params(const uint8_t *p, size_t len, size_t i, bool *lwm2m_rt)
{
	while (i < len && p[i] == ';') {
		i++;
		size_t st = i;
		while (i < len && p[i] != '=' && p[i] != ';' && p[i] != ',') {
			if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
			      (p[i] >= '0' && p[i] <= '9') || p[i] == '-' || p[i] == '.' || p[i] == '_'))
				return 0;
			i++;
		}
		if (i == st)
			return 0;
		bool is_rt = i - st == 2 && !memcmp(p + st, "rt", 2);
		if (i < len && p[i] == '=') {
			i++;
			size_t vs, ve;
			if (i < len && p[i] == '"') {
				vs = ++i;
				while (i < len && p[i] != '"') {
					if (p[i] == '\\')
						i++;
					i++;
				}
				if (i >= len)
					return 0;
				ve = i++;
			} else {
				vs = i;
				while (i < len && p[i] != ';' && p[i] != ',') {
					if (p[i] < 0x21 || p[i] > 0x7e || p[i] == '"')
						return 0;
					i++;
				}
				ve = i;
				if (ve == vs)
					return 0;
			}
			if (is_rt && ve - vs == 9 && !memcmp(p + vs, "oma.lwm2m", 9))
				*lwm2m_rt = true;
		}
	}
	return i;
}

int link_parse(const uint8_t *p, size_t len, reg_objects *out)
{
	memset(out, 0, sizeof *out);
	size_t i = 0;
	size_t rootlen = 0;
	bool first = true;
	if (len == 0)
		return -1;
	while (i < len) {
		if (!first) {
			if (p[i] != ',')
				return -1;
			i++;
		}
		first = false;
		if (i >= len || p[i] != '<')
			return -1;
		size_t us = ++i;
		while (i < len && p[i] != '>') {
			if (p[i] < 0x21 || p[i] > 0x7e || p[i] == '<')
				return -1;
			i++;
		}
		if (i >= len)
			return -1;
		size_t ue = i++;
		bool rt = false;
		size_t j = skip_params(p, len, i, &rt);
		if (!j)
			return -1;
		i = j;
		if (i < len && p[i] != ',')
			return -1;
		const uint8_t *u = p + us;
		size_t un = ue - us;
		if (rt) {
			/* the root: "/" or an alternate path such as "/lwm2m" */
			if (out->n || out->root[0] || un == 0 || u[0] != '/' || un >= sizeof out->root)
				return -1;
			if (un > 1) {
				memcpy(out->root, u, un);
				out->root[un] = 0;
				rootlen = un;
			}
			continue;
		}
		if (rootlen) {
			if (un <= rootlen || memcmp(u, out->root, rootlen))
				return -1;
			u += rootlen;
			un -= rootlen;
		}
		long seg[3];
		int k = path_segments(u, un, seg);
		if (k < 1 || k > 2)
			return -1;
		if (out->n == REG_OBJ_MAX)
			return -1;
		out->o[out->n++] = (reg_object){.obj = (uint16_t)seg[0], .inst = k == 2 ? (int32_t)seg[1] : -1};
	}
	return 0;
}

int reg_objects_str(const reg_objects *o, char *buf, size_t cap)
{
	size_t n = 0;
	if (cap == 0)
		return -1;
	buf[0] = 0;
	for (unsigned i = 0; i < o->n; i++) {
		int w = o->o[i].inst < 0 ? snprintf(buf + n, cap - n, "%s/%u", i ? "," : "", o->o[i].obj)
					 : snprintf(buf + n, cap - n, "%s/%u/%ld", i ? "," : "", o->o[i].obj,
						    (long)o->o[i].inst);
		if (w < 0 || (size_t)w >= cap - n) {
			buf[0] = 0;
			return -1;
		}
		n += (size_t)w;
	}
	return 0;
}

bool reg_objects_has(const reg_objects *o, uint16_t obj, int32_t inst)
{
	for (unsigned i = 0; i < o->n; i++)
		if (o->o[i].obj == obj && o->o[i].inst == inst)
			return true;
	return false;
}

bool imei_from_endpoint(const char *ep, char imei[16])
{
	const char *d;
	char end;
	if (!strncmp(ep, "urn:imei:", 9))
		d = ep + 9, end = 0;
	else if (!strncmp(ep, "urn:imei-msisdn:", 16))
		d = ep + 16, end = '-';
	else
		return false;
	for (int i = 0; i < 15; i++)
		if (d[i] < '0' || d[i] > '9')
			return false;
	if (d[15] != end)
		return false;
	memcpy(imei, d, 15);
	imei[15] = 0;
	return true;
}

/* one TLV header at p: type, id, value bounds; returns header+value size or 0 */
static size_t tlv_next(const uint8_t *p, size_t len, int *type, uint16_t *id, size_t *voff, size_t *vlen)
{
	if (len < 2)
		return 0;
	uint8_t t = p[0];
	size_t i = 1;
	*type = t >> 6;
	if (t & 0x20) {
		if (len < i + 2)
			return 0;
		*id = (uint16_t)(p[i] << 8 | p[i + 1]);
		i += 2;
	} else {
		*id = p[i++];
	}
	size_t lt = (t >> 3) & 3, l = 0;
	if (lt == 0) {
		l = t & 7;
	} else {
		if (len < i + lt)
			return 0;
		for (size_t k = 0; k < lt; k++)
			l = l << 8 | p[i++];
	}
	if (l > len - i)
		return 0;
	*voff = i;
	*vlen = l;
	return i + l;
}

int tlv_find(const uint8_t *p, size_t len, uint16_t id, const uint8_t **val, size_t *vlen)
{
	size_t i = 0;
	int depth_used = 0;
	while (i < len) {
		int type;
		uint16_t rid;
		size_t vo, vl;
		size_t n = tlv_next(p + i, len - i, &type, &rid, &vo, &vl);
		if (!n)
			return -1;
		if (type == 0) {
			/* an object instance: look inside it, once */
			if (depth_used++)
				return -1;
			int r = tlv_find(p + i + vo, vl, id, val, vlen);
			if (r <= 0)
				return r;
		} else if (type == 3 && rid == id) {
			*val = p + i + vo;
			*vlen = vl;
			return 0;
		}
		i += n;
	}
	return 1;
}
