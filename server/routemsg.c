/* Commands routed between sarafw-server front-ends (routemsg.h). */
#include <stdio.h>
#include <string.h>

#include "routemsg.h"

static int imei_ok(const uint8_t *p, size_t n)
{
	if (n != 15)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

static int uri_ok(const uint8_t *p, size_t n)
{
	if (n > ROUTE_URI_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] <= 0x20 || p[i] > 0x7e)
			return 0;
	return 1;
}

int route_msg_parse(const uint8_t *p, size_t n, route_msg *out)
{
	memset(out, 0, sizeof *out);
	if (n < 2 + 15 || n > ROUTE_MSG_MAX || p[1] != ' ' || !imei_ok(p + 2, 15))
		return -1;
	switch (p[0]) {
	case 'X':
	case 'B':
	case 'O':
		if (n != 2 + 15)
			return -1;
		break;
	case 'W':
		/* "W <imei> " then the URI, possibly empty */
		if (n < 2 + 15 + 1 || p[17] != ' ' || !uri_ok(p + 18, n - 18))
			return -1;
		memcpy(out->uri, p + 18, n - 18);
		out->uri[n - 18] = 0;
		break;
	default:
		return -1;
	}
	out->verb = (char)p[0];
	memcpy(out->imei, p + 2, 15);
	out->imei[15] = 0;
	return 0;
}

int route_msg_format(const route_msg *m, char *buf, size_t cap)
{
	if (!imei_ok((const uint8_t *)m->imei, strnlen(m->imei, sizeof m->imei)))
		return -1;
	int n;
	if (m->verb == 'W') {
		size_t ul = strnlen(m->uri, sizeof m->uri);
		if (!uri_ok((const uint8_t *)m->uri, ul))
			return -1;
		n = snprintf(buf, cap, "W %s %s", m->imei, m->uri);
	} else if (m->verb == 'X' || m->verb == 'B' || m->verb == 'O') {
		n = snprintf(buf, cap, "%c %s", m->verb, m->imei);
	} else {
		return -1;
	}
	return n < 0 || (size_t)n >= cap ? -1 : n;
}
