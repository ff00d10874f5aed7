/* Fuzz target: a command one sarafw-server front-end routes to another
 * over NATS (routemsg.h). What is accepted has a known verb, a 15-digit
 * IMEI and a printable URI within bounds, and formats back to the very
 * bytes it was parsed from. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "routemsg.h"

#define CHECK(x) ((x) ? (void)0 : abort())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	route_msg m;
	if (route_msg_parse(data, size, &m) < 0)
		return 0;
	CHECK(m.verb == 'W' || m.verb == 'X' || m.verb == 'B' || m.verb == 'O');
	CHECK(strlen(m.imei) == 15);
	CHECK(strlen(m.uri) <= ROUTE_URI_MAX);
	char buf[ROUTE_MSG_MAX + 1];
	int n = route_msg_format(&m, buf, sizeof buf);
	CHECK(n >= 0 && (size_t)n == size && !memcmp(buf, data, size));
	return 0;
}
