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

int sim_factory_prepare(const struct sim_flash *f, const struct sim_variant *v,
			const uint32_t *seed, char *err, size_t cap)
{
	struct sim_kv kv;
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
		return 0;
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
	sim_kv_clear(&kv);
	sim_kv_set(&kv, "variant", v->name);
	sim_kv_set(&kv, "modem_version", v->id.modem_fw);
	sim_kv_set(&kv, "app_version", v->id.app_fw);
	if (sim_kv_save(f, "firmware", &kv) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, cap, "%s: cannot write the flash records", f->dir);
	return -1;
}
