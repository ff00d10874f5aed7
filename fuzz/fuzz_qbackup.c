/* Fuzz target: the IMEI reader of sarafw flash (cli/qbackup.c) on
 * arbitrary device data, as a damaged or half-written devdata partition
 * could hold. A found IMEI is 15 digits with a valid check digit and
 * stands in the data after "imei=" at the start of a line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qbackup.h"

#define CHECK(x) ((x) ? (void)0 : abort())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char imei[16];
	memset(imei, 'x', sizeof imei);
	bool ok = qbk_imei(data, size, imei);
	CHECK(memchr(imei, '\0', sizeof imei));
	if (!ok) {
		CHECK(imei[0] == '\0');
		return 0;
	}
	CHECK(strlen(imei) == 15 && strspn(imei, "0123456789") == 15);
	const uint8_t *at = memmem(data, size, imei, 15);
	CHECK(at && at - data >= 5 && memcmp(at - 5, "imei=", 5) == 0);
	return 0;
}
