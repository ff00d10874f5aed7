/* Range header parsing for sarafw-server's downloads (httprange.h). */
#include <string.h>

#include "httprange.h"

static const char *num(const char *s, uint64_t *v, int *any)
{
	*v = 0;
	*any = 0;
	while (*s >= '0' && *s <= '9') {
		if (*v > (UINT64_MAX - 9) / 10)
			return NULL;
		*v = *v * 10 + (uint64_t)(*s++ - '0');
		*any = 1;
	}
	return s;
}

int http_range(const char *hdr, uint64_t size, uint64_t *off, uint64_t *len)
{
	if (!hdr || strncmp(hdr, "bytes=", 6))
		return RANGE_NONE;
	const char *s = hdr + 6;
	while (*s == ' ')
		s++;
	uint64_t a, b;
	int has_a, has_b;
	if (!(s = num(s, &a, &has_a)) || *s++ != '-')
		return RANGE_NONE;
	if (!(s = num(s, &b, &has_b)))
		return RANGE_NONE;
	while (*s == ' ')
		s++;
	if (*s) /* several ranges or trailing junk */
		return RANGE_NONE;
	if (!has_a && !has_b)
		return RANGE_NONE;
	if (!has_a) {
		/* suffix: the last b bytes */
		if (b == 0 || size == 0)
			return RANGE_UNSATISFIABLE;
		if (b > size)
			b = size;
		*off = size - b;
		*len = b;
		return RANGE_PARTIAL;
	}
	if (has_b && b < a)
		return RANGE_NONE; /* invalid: ignored */
	if (a >= size)
		return RANGE_UNSATISFIABLE;
	uint64_t last = has_b && b < size - 1 ? b : size - 1;
	*off = a;
	*len = last - a + 1;
	return RANGE_PARTIAL;
}
