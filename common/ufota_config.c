/* The legacy uFOTA configuration file (ufota_config.h). */
#include "ufota_config.h"

#include <stdio.h>
#include <string.h>

/* The firmware versions of the product versions note §2.6.2 names, as the
 * simulator's variant table gives them (sim/variants.c;
 * tests/unit/test_ufota_config.c checks that the two agree). */
static const char *const legacy_versions[] = {
	"L0.0.00.00.05.04,A.02.00", /* SARA-R410M-02B-00 */
	"L0.0.00.00.05.06,A.02.01", /* SARA-R410M-02B-01 */
	"L0.0.00.00.06.05,A.06.00", /* SARA-R410M-52B-00 */
	"M0.09.00,A.02.11",         /* SARA-R412M-02B-00 */
	"M0.10.00,A.02.14",         /* SARA-R412M-02B-01 */
};

bool ufota_legacy_version(const char *version)
{
	for (size_t i = 0; version && i < sizeof legacy_versions / sizeof legacy_versions[0]; i++)
		if (!strcmp(version, legacy_versions[i]))
			return true;
	return false;
}

static const struct {
	const char *key;
	size_t off;
} keys[] = {
	{.key = "product", .off = offsetof(ufota_config, product)},
	{.key = "from", .off = offsetof(ufota_config, from)},
	{.key = "to", .off = offsetof(ufota_config, to)},
	{.key = "package", .off = offsetof(ufota_config, package)},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static bool value_ok(const char *v, size_t n)
{
	if (n == 0 || n > UFOTA_CONFIG_FIELD_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x21 || (unsigned char)v[i] > 0x7e)
			return false;
	return true;
}

static bool sha_ok(const char *v)
{
	if (strlen(v) != 64)
		return false;
	for (int i = 0; i < 64; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			return false;
	return true;
}

int ufota_config_parse(const void *buf, size_t n, ufota_config *out)
{
	const char *p = buf, *end;
	size_t ml = strlen(UFOTA_CONFIG_MAGIC);
	unsigned seen = 0;
	memset(out, 0, sizeof *out);
	if (!buf || n < ml || n > UFOTA_CONFIG_SIZE || memcmp(p, UFOTA_CONFIG_MAGIC, ml) || memchr(p, 0, n))
		return -1;
	end = p + n;
	p += ml;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (le == p || *p == '#') { /* blank or padding */
			p = nl ? nl + 1 : end;
			continue;
		}
		const char *eq = memchr(p, '=', (size_t)(le - p));
		size_t i;
		if (!eq)
			goto bad;
		for (i = 0; i < NKEYS; i++)
			if ((size_t)(eq - p) == strlen(keys[i].key) && !memcmp(p, keys[i].key, (size_t)(eq - p)))
				break;
		if (i == NKEYS || (seen & (1u << i)) || !value_ok(eq + 1, (size_t)(le - eq - 1)))
			goto bad;
		seen |= 1u << i;
		memcpy((char *)out + keys[i].off, eq + 1, (size_t)(le - eq - 1));
		p = nl ? nl + 1 : end;
	}
	if (seen != (1u << NKEYS) - 1 || !sha_ok(out->package))
		goto bad;
	return 0;
bad:
	memset(out, 0, sizeof *out);
	return -1;
}

int ufota_config_make(const ufota_config *c, char *buf, size_t cap)
{
	ufota_config check;
	int n;
	if (cap < UFOTA_CONFIG_SIZE)
		return -1;
	n = snprintf(buf, cap, "%sproduct=%s\nfrom=%s\nto=%s\npackage=%s\n", UFOTA_CONFIG_MAGIC, c->product,
		     c->from, c->to, c->package);
	if (n < 0 || (size_t)n + 2 > UFOTA_CONFIG_SIZE)
		return -1;
	/* padding: '#' lines of 64 bytes, the last one shorter, a '\n' at the end */
	for (size_t k = (size_t)n; k < UFOTA_CONFIG_SIZE; k++)
		buf[k] = (k + 1) % 64 == 0 || k + 1 == UFOTA_CONFIG_SIZE ? '\n' : '#';
	if (ufota_config_parse(buf, UFOTA_CONFIG_SIZE, &check) != 0)
		return -1;
	return (int)UFOTA_CONFIG_SIZE;
}
