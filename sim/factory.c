#include "factory.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

int sim_factory_mno_profile(const struct sim_variant *v)
{
	/* SARA-R422 does not accept 0 (AT-FACTS); 90 "global" instead */
	return v->family == SIM_R422 ? 90 : 1;
}

void sim_factory_nvm(const struct sim_variant *v, struct sim_kv *kv)
{
	sim_kv_clear(kv);
	sim_kv_set_long(kv, "echo", 1);
	sim_kv_set_long(kv, "cmee", 0);
	sim_kv_set_long(kv, "ipr", 115200); /* note §5.1: default 115200 b/s */
	sim_kv_set_long(kv, "csgt_mode", 0);
	sim_kv_set(kv, "csgt_text", "");
	sim_kv_set_long(kv, "mno_profile", sim_factory_mno_profile(v));
	sim_kv_set(kv, "cpms", "ME,ME,ME");
}

/* The Luhn check digit of the 14 digits at d. */
static char luhn_digit(const char *d)
{
	int sum = 0;
	for (int i = 0; i < 14; i++) {
		int x = d[13 - i] - '0';
		if (i % 2 == 0) { /* doubled: the digit next to the check digit */
			x *= 2;
			if (x > 9)
				x -= 9;
		}
		sum += x;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

/* note §6.2's example IMEI is 357591080029488: its TAC (35759108), a
 * 6-digit serial number, and the check digit */
static void imei_from_serial(uint32_t serial, char out[16])
{
	snprintf(out, 16, "35759108%06u", (unsigned)(serial % 1000000u));
	out[14] = luhn_digit(out);
	out[15] = '\0';
}

void sim_factory_imei(uint32_t seed, char out[16])
{
	uint32_t x = seed * 2654435761u + 0x9E3779B9u;
	x ^= x >> 15;
	imei_from_serial(x, out);
}

void sim_factory_imei_nth(uint32_t seed, uint32_t i, char out[16])
{
	uint32_t base = seed * 2654435761u + 0x9E3779B9u;
	base ^= base >> 15;
	imei_from_serial((uint32_t)(((uint64_t)base % 1000000u + i) % 1000000u), out);
}

int sim_factory_random_imei(char out[16])
{
	uint32_t x;
	/* below the largest multiple of 10^6: every serial equally likely */
	do {
		if (getrandom(&x, sizeof x, 0) != (ssize_t)sizeof x) {
			if (errno == EINTR)
				continue;
			return -1;
		}
	} while (x >= 4294000000u);
	imei_from_serial(x, out);
	return 0;
}

int sim_factory_imei_ok(const char *imei)
{
	if (strlen(imei) != 15 || strspn(imei, "0123456789") != 15)
		return 0;
	return imei[14] == luhn_digit(imei);
}

bool sim_factory_version_ok(const char *version)
{
	const char *comma = strchr(version, ',');
	size_t n = strlen(version);
	/* 47: what a package's version field holds (docs/package-format.md) */
	if (!comma || comma == version || !comma[1] || strchr(comma + 1, ',') || n > 47)
		return false;
	for (size_t i = 0; i < n; i++)
		if (version[i] <= ' ' || version[i] > '~')
			return false;
	return true;
}

void sim_factory_image(const struct sim_variant *v, const char *modem, const char *app,
		       uint8_t *out, size_t n)
{
	/* FNV-1a of "variant\nmodem,app", then splitmix64 */
	uint64_t h = 1469598103934665603ull, x;
	char id[200];
	snprintf(id, sizeof id, "%s\n%s,%s", v->name, modem, app);
	for (const char *c = id; *c; c++)
		h = (h ^ (uint8_t)*c) * 1099511628211ull;
	for (size_t i = 0; i < n; i += 8) {
		h += 0x9E3779B97F4A7C15ull;
		x = h;
		x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
		x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
		x ^= x >> 31;
		for (size_t k = 0; k < 8 && i + k < n; k++)
			out[i + k] = (uint8_t)(x >> (8 * k));
	}
}

/* The project's DEMO FOTA public key, tests/keys/demo.key.pub (its raw
 * bytes are pkg_demo_pub; test_sim_factory checks they agree). */
const char sim_factory_demo_key[] = "-----BEGIN PUBLIC KEY-----\n"
				    "MCowBQYDK2VwAyEAmP+9CSfeK3PmZHJcSrUo3DSDyR0mzGn7sidcgOrRfqM=\n"
				    "-----END PUBLIC KEY-----\n";

static long read_file(const char *path, uint8_t *buf, size_t cap)
{
	FILE *fp = fopen(path, "rb");
	size_t n;
	if (!fp)
		return -1;
	n = fread(buf, 1, cap, fp);
	if (ferror(fp) || fgetc(fp) != EOF) {
		fclose(fp);
		return -2; /* unreadable or too big */
	}
	fclose(fp);
	return (long)n;
}

static int write_image(const struct sim_flash *f, const struct sim_variant *v, const char *path,
		       const char *modem, const char *app, char *err, size_t cap)
{
	static uint8_t img[32u * 1024u * 1024u];
	long n;
	if (path) {
		n = read_file(path, img, sizeof img);
		if (n <= 0) {
			snprintf(err, cap, "--firmware %s: %s", path,
				 n == -1 ? strerror(errno) : n == 0 ? "empty" : "unreadable or over 32 MiB");
			return -1;
		}
	} else {
		n = SIM_FACTORY_IMAGE_SIZE;
		sim_factory_image(v, modem, app, img, (size_t)n);
	}
	if (sim_flash_write(f, "firmware.bin", img, (size_t)n) < 0) {
		snprintf(err, cap, "%s: cannot write the firmware image", f->dir);
		return -1;
	}
	return 0;
}

int sim_factory_prepare(const struct sim_flash *f, const struct sim_variant *v,
			const uint32_t *seed, char *err, size_t cap)
{
	return sim_factory_prepare_with(f, v, seed, NULL, err, cap);
}

int sim_factory_prepare_with(const struct sim_flash *f, const struct sim_variant *v,
			     const uint32_t *seed, const struct sim_provision *p, char *err,
			     size_t cap)
{
	struct sim_kv kv;
	char modem[64], app[64];
	if (sim_flash_exists(f, "firmware")) {
		const char *was;
		if (sim_kv_load(f, "firmware", &kv) < 0) {
			snprintf(err, cap, "%s/firmware: cannot read it", f->dir);
			return -1;
		}
		was = sim_kv_get(&kv, "variant");
		if (!was || strcmp(was, v->name) != 0) {
			snprintf(err, cap,
				 "%s holds the flash of a %s, not a %s: use --variant %s or another --state dir",
				 f->dir, was ? was : "(unknown)", v->name, was ? was : "...");
			return -1;
		}
		if (!sim_flash_exists(f, "firmware.bin"))
			return write_image(f, v, NULL,
					   sim_kv_get(&kv, "modem_version") ? sim_kv_get(&kv, "modem_version") : v->id.modem_fw,
					   sim_kv_get(&kv, "app_version") ? sim_kv_get(&kv, "app_version") : v->id.app_fw,
					   err, cap);
		return 0;
	}
	snprintf(modem, sizeof modem, "%s", v->id.modem_fw);
	snprintf(app, sizeof app, "%s", v->id.app_fw);
	if (p && p->version) {
		const char *comma = strchr(p->version, ',');
		if (!sim_factory_version_ok(p->version)) {
			snprintf(err, cap, "--firmware-version wants MODEM,APP as ATI9 prints it, got '%s'",
				 p->version);
			return -1;
		}
		snprintf(modem, sizeof modem, "%.*s", (int)(comma - p->version), p->version);
		snprintf(app, sizeof app, "%s", comma + 1);
	}
	/* blank (or cut before the firmware record was written): program all,
	 * keeping an IMEI already given to this flash */
	{
		char imei[16];
		const char *had = NULL;
		if (sim_kv_load(f, "identity", &kv) == 0)
			had = sim_kv_get(&kv, "imei");
		if (had && sim_factory_imei_ok(had)) {
			snprintf(imei, sizeof imei, "%s", had);
		} else if (p && p->imei && sim_factory_imei_ok(p->imei)) {
			snprintf(imei, sizeof imei, "%s", p->imei);
		} else if (seed) {
			sim_factory_imei(*seed, imei);
		} else if (sim_factory_random_imei(imei) < 0) {
			snprintf(err, cap, "no random IMEI (getrandom: %s): give --seed N",
				 strerror(errno));
			return -1;
		}
		sim_kv_clear(&kv);
		sim_kv_set(&kv, "imei", imei);
		sim_kv_set(&kv, "type_number", v->id.type_number);
		if (sim_kv_save(f, "identity", &kv) < 0)
			goto fail;
	}
	sim_factory_nvm(v, &kv);
	if (sim_kv_save(f, "nvm", &kv) < 0)
		goto fail;
	if (write_image(f, v, p ? p->image : NULL, modem, app, err, cap) < 0)
		return -1;
	{
		static uint8_t key[SIM_FACTORY_KEY_MAX];
		long n = sizeof sim_factory_demo_key - 1;
		memcpy(key, sim_factory_demo_key, (size_t)n);
		if (p && p->key && (n = read_file(p->key, key, sizeof key)) <= 0) {
			snprintf(err, cap, "--fota-key %s: %s", p->key,
				 n == -1 ? strerror(errno) : n == 0 ? "empty" : "unreadable or over 4 KiB");
			return -1;
		}
		if (sim_flash_write(f, "fota_key.pub", key, (size_t)n) < 0)
			goto fail;
	}
	sim_kv_clear(&kv);
	sim_kv_set(&kv, "variant", v->name);
	sim_kv_set(&kv, "modem_version", modem);
	sim_kv_set(&kv, "app_version", app);
	if (sim_kv_save(f, "firmware", &kv) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, cap, "%s: cannot write the flash records", f->dir);
	return -1;
}
