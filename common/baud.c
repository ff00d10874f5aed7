/* The line-rate table and its look-ups. */
#include "baud.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>

/* module: the AT manual's +IPR rates 9600..460800 on every SARA-R4, and
 * note §5.1.1's additional 921600 and 3000000 on the SARA-R422 family.
 * The others are here so a host speed set by someone else can be named. */
const baud_rate baud_rates[] = {
	{ .bps = 1200, .speed = B1200 },
	{ .bps = 2400, .speed = B2400 },
	{ .bps = 4800, .speed = B4800 },
	{ .bps = 9600, .speed = B9600, .module = true },
	{ .bps = 19200, .speed = B19200, .module = true },
	{ .bps = 38400, .speed = B38400, .module = true },
	{ .bps = 57600, .speed = B57600, .module = true },
	{ .bps = 115200, .speed = B115200, .module = true },
	{ .bps = 230400, .speed = B230400, .module = true },
	{ .bps = 460800, .speed = B460800, .module = true },
	{ .bps = 921600, .speed = B921600, .module = true },
	{ .bps = 1000000, .speed = B1000000 },
	{ .bps = 2000000, .speed = B2000000 },
	{ .bps = 3000000, .speed = B3000000, .module = true },
	{ .bps = 4000000, .speed = B4000000 },
};
const size_t baud_count = sizeof baud_rates / sizeof baud_rates[0];

static const baud_rate *find(uint32_t bps)
{
	for (size_t i = 0; i < baud_count; i++)
		if (baud_rates[i].bps == bps)
			return &baud_rates[i];
	return NULL;
}

unsigned baud_speed(uint32_t bps)
{
	const baud_rate *r = find(bps);
	return r ? r->speed : 0;
}

uint32_t baud_bps(unsigned speed)
{
	for (size_t i = 0; i < baud_count; i++)
		if (baud_rates[i].speed == speed)
			return baud_rates[i].bps;
	return 0;
}

bool baud_is_module(uint32_t bps)
{
	const baud_rate *r = find(bps);
	return r && r->module;
}

uint32_t baud_parse(const char *s)
{
	uint32_t v = 0;
	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		uint32_t d = (uint32_t)(*s - '0');
		if (*s < '0' || *s > '9' || v > (UINT32_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	return v;
}

char *baud_module_list(char *out, size_t cap)
{
	size_t n = 0, left = 0, o = 0;
	if (cap == 0)
		return out;
	out[0] = '\0';
	for (size_t i = 0; i < baud_count; i++)
		n += baud_rates[i].module;
	for (size_t i = 0; i < baud_count; i++) {
		if (!baud_rates[i].module)
			continue;
		const char *sep = left == 0 ? "" : left + 1 == n ? " or " : ", ";
		int k = snprintf(out + o, cap - o, "%s%lu", sep, (unsigned long)baud_rates[i].bps);
		if (k < 0 || (size_t)k >= cap - o) {
			out[o] = '\0'; /* whole rates only */
			break;
		}
		o += (size_t)k;
		left++;
	}
	return out;
}
