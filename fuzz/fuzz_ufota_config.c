/* Fuzz target: the legacy uFOTA configuration file (common/ufota_config.h,
 * note §2.6.2) as the simulated module reads whatever a server sent
 * through /5/0/1. What is accepted has every field set, printable and
 * bounded, a package hash of 64 lower-case hex digits, and makes a file
 * that reads back the same; what is refused leaves nothing filled. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ufota_config.h"

#define CHECK(x) ((x) ? (void)0 : abort())

static void field_ok(const char *s)
{
	size_t n = strnlen(s, UFOTA_CONFIG_FIELD_MAX + 1);
	CHECK(n >= 1 && n <= UFOTA_CONFIG_FIELD_MAX);
	for (size_t i = 0; i < n; i++)
		CHECK((unsigned char)s[i] >= 0x21 && (unsigned char)s[i] <= 0x7e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const ufota_config zero;
	static char buf[UFOTA_CONFIG_SIZE];
	ufota_config c, back;
	if (ufota_config_parse(data, size, &c) != 0) {
		CHECK(!memcmp(&c, &zero, sizeof c));
		return 0;
	}
	CHECK(size <= UFOTA_CONFIG_SIZE);
	field_ok(c.product);
	field_ok(c.from);
	field_ok(c.to);
	field_ok(c.package);
	CHECK(strlen(c.package) == 64 && strspn(c.package, "0123456789abcdef") == 64);
	CHECK(ufota_config_make(&c, buf, sizeof buf) == (int)UFOTA_CONFIG_SIZE);
	CHECK(ufota_config_parse(buf, sizeof buf, &back) == 0 && !memcmp(&c, &back, sizeof c));
	(void)ufota_legacy_version(c.from);
	return 0;
}
